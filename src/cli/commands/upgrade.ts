/**
 * `ductor upgrade [--check]`: asks the configured update source (the git remote of a source
 * checkout, or a package/URL the user named in `update_source`), stops the bot (service-aware),
 * installs the newest version and starts it again; on failure the old version keeps running.
 */
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { connectControl } from '../../shared/control-client.js';
import { describeError } from '../../shared/errors.js';
import { EXIT_FAILURE, EXIT_OK } from '../../shared/exit-codes.js';
import { packageInfo } from '../../shared/package-info.js';
import { runCommand, type CommandRunner } from '../../shared/command-runner.js';
import { serviceBackend } from '../service/service-backend.js';
import { hostServiceContext } from '../service/service-context.js';
import { configExists, loadConfig } from '../../shared/config/load.js';
import { mainPaths } from '../../shared/paths.js';
import { describeSource, resolveUpdateSource, type UpdateSource } from '../../shared/upgrade/update-source.js';
import { checkForUpdate, installVersion } from '../../shared/upgrade/upgrade-steps.js';
import { which } from '../which.js';
import { runStop } from './stop.js';

/** The service for this home, reduced to what an upgrade needs. */
export type UpgradeService = { installed(): Promise<boolean>; stop(): Promise<boolean>; start(): Promise<boolean> };

export type UpgradeOptions = {
  home: string;
  checkOnly?: boolean;
  run?: CommandRunner;
  /** Where this ductor is installed (a git checkout or a package); default the running package. */
  packageRoot?: string;
  /** The `update_source` value; default read from config.json ("auto" when there is none). */
  updateSource?: string;
  currentVersion?: string;
  say?: (line: string) => void;
  service?: UpgradeService;
  isRunning?: () => Promise<boolean>;
  stopBot?: () => Promise<number>;
  /** Runs the freshly installed `ductor` in the foreground (it was running before). */
  startBot?: () => Promise<number>;
};

export async function runUpgrade(options: UpgradeOptions): Promise<number> {
  const say = options.say ?? ((line: string) => process.stdout.write(`${line}\n`));
  const run = options.run ?? runCommand;
  const info = packageInfo();
  const root = options.packageRoot ?? info.root;
  const current = options.currentVersion ?? info.version;

  let source: UpdateSource;
  try {
    source = resolveUpdateSource(options.updateSource ?? (await configuredSource(options.home)), root);
  } catch (error) {
    say(describeError(error));
    return EXIT_FAILURE;
  }
  if (source.kind === 'off') {
    say(`ductor ${current} has no update source: ${source.reason}`);
    return EXIT_FAILURE;
  }

  let check;
  try {
    check = await checkForUpdate(run, current, source);
  } catch (error) {
    say(describeError(error));
    return EXIT_FAILURE;
  }
  if (!check.available) {
    say(`ductor ${current} is up to date (${describeSource(source)} has ${check.latest})`);
    return EXIT_OK;
  }
  if (options.checkOnly) {
    say(`ductor ${check.latest} is available (installed: ${current}); \`ductor upgrade\` installs it`);
    return EXIT_OK;
  }

  const service = options.service ?? hostService(options.home);
  const viaService = await service.installed();
  const wasRunning = !viaService && (await (options.isRunning ?? (() => isBotRunning(options.home)))());
  say(`upgrading ductor ${current} → ${check.latest} from ${describeSource(source)}`);
  if (viaService) await service.stop();
  else if (wasRunning) await (options.stopBot ?? (() => runStop({ home: options.home })))();

  const result = await installVersion(run, check.latest, source);
  if (!result.ok) {
    say(result.error);
    say(`ductor ${current} is still installed`);
    if (viaService) await service.start();
    else if (wasRunning) say('start it again with `ductor`');
    return EXIT_FAILURE;
  }
  say(`ductor ${result.installed} installed`);
  if (viaService) {
    const started = await service.start();
    say(started ? `the service runs ductor ${result.installed} now` : 'the service did not start; see `ductor service status`');
    return started ? EXIT_OK : EXIT_FAILURE;
  }
  if (wasRunning) {
    say(`starting ductor ${result.installed}`);
    return (options.startBot ?? startInstalledBot)();
  }
  say('start it with `ductor`');
  return EXIT_OK;
}

/** `update_source` of the home's config.json; "auto" when there is no config yet. */
async function configuredSource(home: string): Promise<string> {
  const file = mainPaths(home).configFile;
  if (!(await configExists(file))) return 'auto';
  return (await loadConfig(file)).config.update_source;
}

function hostService(home: string): UpgradeService {
  const backend = serviceBackend(hostServiceContext({ ductorHome: home }));
  return { installed: () => backend.installedForHome(), stop: () => backend.stop(), start: () => backend.start() };
}

async function isBotRunning(home: string): Promise<boolean> {
  const connection = await connectControl(home);
  connection?.close();
  return connection !== null;
}

/** The new `ductor` from PATH in the foreground, as the user had it before the upgrade. */
async function startInstalledBot(): Promise<number> {
  const binary = which('ductor');
  if (binary === null) {
    process.stderr.write('ductor: the new version is installed but `ductor` is not on PATH; start it yourself\n');
    return EXIT_FAILURE;
  }
  const child = spawn(binary, [], { stdio: 'inherit' });
  const [code] = (await once(child, 'exit')) as [number | null];
  return code ?? EXIT_FAILURE;
}
