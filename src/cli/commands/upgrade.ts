/**
 * `ductor upgrade [--check]`: non-dev installs stop the bot (service-aware), install the newest
 * version from npm, and start it again; on failure the old version keeps running.
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
import { detectInstallMode } from '../../shared/upgrade/install-mode.js';
import { checkForUpdate, installVersion } from '../../shared/upgrade/upgrade-steps.js';
import { which } from '../which.js';
import { runStop } from './stop.js';

/** The service for this home, reduced to what an upgrade needs. */
export type UpgradeService = { installed(): Promise<boolean>; stop(): Promise<boolean>; start(): Promise<boolean> };

export type UpgradeOptions = {
  home: string;
  checkOnly?: boolean;
  run?: CommandRunner;
  /** Where this ductor is installed (decides npm vs dev); default the running package. */
  packageRoot?: string;
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

  const mode = detectInstallMode(root);
  if (mode === 'dev') {
    say(`ductor ${current} runs from a source checkout (${root}); it is not upgraded through npm. Update it with \`git pull && npm ci && npm run build\`.`);
    return EXIT_FAILURE;
  }
  if (mode === 'npx') {
    say('ductor runs through npx; run `npx ductor@latest` to use the newest version.');
    return EXIT_FAILURE;
  }

  let check;
  try {
    check = await checkForUpdate(run, current);
  } catch (error) {
    say(describeError(error));
    return EXIT_FAILURE;
  }
  if (!check.available) {
    say(`ductor ${current} is up to date (npm has ${check.latest})`);
    return EXIT_OK;
  }
  if (options.checkOnly) {
    say(`ductor ${check.latest} is available (installed: ${current}); \`ductor upgrade\` installs it`);
    return EXIT_OK;
  }

  const service = options.service ?? hostService(options.home);
  const viaService = await service.installed();
  const wasRunning = !viaService && (await (options.isRunning ?? (() => isBotRunning(options.home)))());
  say(`upgrading ductor ${current} → ${check.latest}`);
  if (viaService) await service.stop();
  else if (wasRunning) await (options.stopBot ?? (() => runStop({ home: options.home })))();

  const result = await installVersion(run, check.latest);
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
