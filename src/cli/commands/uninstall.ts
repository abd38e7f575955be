/**
 * `ductor uninstall [--purge] [--yes]`: stop the bot (service first), remove the service
 * definition, uninstall the npm package, and delete the home only with --purge, after a typed
 * confirmation or --yes. A source checkout has no package to remove; that step says so.
 */
import { rm } from 'node:fs/promises';
import { createInterface } from 'node:readline/promises';
import { EXIT_FAILURE, EXIT_OK } from '../../shared/exit-codes.js';
import { lastLine, runCommand, type CommandRunner } from '../../shared/command-runner.js';
import { packageInfo } from '../../shared/package-info.js';
import { serviceBackend } from '../service/service-backend.js';
import { hostServiceContext } from '../service/service-context.js';
import { detectInstallMode } from '../../shared/upgrade/install-mode.js';
import { PACKAGE_NAME } from '../../shared/upgrade/upgrade-steps.js';
import { runStop } from './stop.js';

export type UninstallOptions = {
  home: string;
  purge: boolean;
  yes: boolean;
  run?: CommandRunner;
  packageRoot?: string;
  /** Tests replace the host of the service commands (platform, runner, user home …). */
  serviceContext?: Partial<Parameters<typeof hostServiceContext>[0]>;
  stopBot?: (home: string) => Promise<number>;
  /** Answers the purge question; default: reads a line from the terminal. */
  confirm?: (question: string) => Promise<string>;
  say?: (line: string) => void;
};

export async function runUninstall(options: UninstallOptions): Promise<number> {
  const say = options.say ?? ((line: string) => process.stdout.write(`${line}\n`));
  const run = options.run ?? runCommand;
  let ok = true;

  // The home is confirmed before anything is removed, so a "no" leaves everything as it was.
  if (options.purge && !options.yes) {
    if (!options.confirm && !process.stdin.isTTY) {
      say(`--purge deletes ${options.home}; confirm in a terminal or add --yes. Nothing was changed.`);
      return EXIT_FAILURE;
    }
    const answer = await (options.confirm ?? askLine)(`Delete ${options.home} with its config, sessions, memory and logs? Type "delete" to confirm: `);
    if (answer.trim() !== 'delete') {
      say('Nothing was changed.');
      return EXIT_FAILURE;
    }
  }

  await (options.stopBot ?? ((home) => runStop({ home })))(options.home);

  const ctx = hostServiceContext({ ductorHome: options.home, say, ...options.serviceContext });
  const backend = serviceBackend(ctx);
  if (await backend.installedForHome()) {
    if (await backend.uninstall()) say('service removed');
    else {
      say('the service could not be removed completely; see the lines above');
      ok = false;
    }
  }

  const root = options.packageRoot ?? packageInfo().root;
  const mode = detectInstallMode(root);
  if (mode === 'npm') {
    const result = await run('npm', ['uninstall', '-g', PACKAGE_NAME], { timeoutMs: 300_000 });
    if (result.code === 0) say(`npm package ${PACKAGE_NAME} removed`);
    else {
      say(`npm uninstall -g ${PACKAGE_NAME} failed: ${lastLine(result)}`);
      ok = false;
    }
  } else {
    say(mode === 'npx' ? 'ductor ran through npx: there is no global package to remove.' : `ductor runs from a source checkout (${root}); delete that folder yourself.`);
  }

  if (options.purge) {
    await rm(options.home, { recursive: true, force: true });
    say(`${options.home} deleted`);
  } else {
    say(`kept ${options.home} (config, sessions, memory); \`ductor uninstall --purge\` deletes it`);
  }
  return ok ? EXIT_OK : EXIT_FAILURE;
}

async function askLine(question: string): Promise<string> {
  const rl = createInterface({ input: process.stdin, output: process.stdout });
  try {
    return await rl.question(question);
  } finally {
    rl.close();
  }
}
