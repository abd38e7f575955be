/** `ductor` / `ductor start`: checks there is a usable config, then runs the supervisor. */
import { existsSync } from 'node:fs';
import { isConfigured, loadConfig } from '../../shared/config/load.js';
import { ConfigError } from '../../shared/errors.js';
import { EXIT_CONFIG, EXIT_FAILURE, EXIT_RESTART } from '../../shared/exit-codes.js';
import { mainPaths } from '../../shared/paths.js';
import { runSupervisor } from '../../supervisor/main.js';
import type { StandbyWorkers } from '../../supervisor/prefork.js';
import { reexecInPlace } from './reexec.js';
import { refreshConfigSchemaFile } from '../config-schema-file.js';
import { hasTerminal } from '../terminal.js';

type StartOptions = { home: string; verbose: boolean; standby?: StandbyWorkers };

export async function runStart(options: StartOptions): Promise<number> {
  try {
    return await startIfConfigured(options);
  } finally {
    options.standby?.discard(); // the workers the supervisor did not take, whatever happened
  }
}

async function startIfConfigured(options: StartOptions): Promise<number> {
  const { configFile } = mainPaths(options.home);
  if (!existsSync(configFile)) {
    // First run in a terminal: the wizard writes the config, then starts (or installs a service).
    if (hasTerminal()) return (await import('./onboarding.js')).runOnboarding({ home: options.home, reset: false, verbose: options.verbose });
    process.stderr.write(
      `ductor: no configuration at ${configFile}. Run \`ductor onboarding\` in a terminal to create one ` +
        '(or write that file yourself; `ductor config schema` describes every key).\n',
    );
    return EXIT_FAILURE;
  }
  let loaded: Awaited<ReturnType<typeof loadConfig>>;
  try {
    loaded = await loadConfig(configFile);
    const gate = isConfigured(loaded.config);
    if (!gate.ok) {
      if (hasTerminal()) return (await import('./onboarding.js')).runOnboarding({ home: options.home, reset: true, verbose: options.verbose });
      process.stderr.write(`ductor: ${configFile} is not set up yet: ${gate.reason}. Run \`ductor onboarding\` in a terminal.\n`);
      return EXIT_FAILURE;
    }
  } catch (error) {
    if (error instanceof ConfigError) {
      process.stderr.write(`ductor: ${error.message}\n`);
      return EXIT_CONFIG;
    }
    throw error;
  }
  // config.json's "$schema" points at this file; bring it up to this version's keys. Once the
  // workers are ready: building the JSON Schema is CPU work that would otherwise compete with their
  // start (on 2 cores it is on the start's critical path). A failure only warns.
  const refreshSchema = () => {
    refreshConfigSchemaFile(options.home).catch((error: unknown) => process.stderr.write(`ductor: could not update config/config.schema.json: ${String(error)}\n`));
  };
  const code = await runSupervisor({ home: options.home, verbose: options.verbose, standby: options.standby, loaded, afterStart: refreshSchema });
  // 42: the code on disk changed (upgrade). A service manager restarts us itself (its units set
  // DUCTOR_SUPERVISOR); run by hand, the same command line starts again in this terminal.
  if (code !== EXIT_RESTART || isSet(process.env.DUCTOR_SUPERVISOR)) return code;
  return reexecInPlace();
}

function isSet(value: string | undefined): boolean {
  return value !== undefined && value !== '' && value !== '0';
}
