#!/usr/bin/env node
/** The `ductor` command: argv → one command. Says one clear line and exits non-zero on misuse. */
import { EXIT_FAILURE } from '../shared/exit-codes.js';
import { describeError } from '../shared/errors.js';
import { resolveHome } from '../shared/paths.js';
import { packageInfo } from '../shared/package-info.js';
import { runAgents } from './commands/agents.js';
import { runChat } from './commands/chat.js';
import { runConfigCommand } from './commands/config.js';
import { runDockerCommand } from './commands/docker.js';
import { helpText } from './commands/help.js';
import { runLogs } from './commands/logs.js';
import { runOnboarding } from './commands/onboarding.js';
import { runReset } from './commands/reset.js';
import { runRestart } from './commands/restart.js';
import { runServiceCommand } from './commands/service.js';
import { runStart } from './commands/start.js';
import { runStatus } from './commands/status.js';
import { runStop } from './commands/stop.js';
import { runUpgrade } from './commands/upgrade.js';

async function main(argv: string[]): Promise<number> {
  const flags = new Set(argv.filter((a) => a.startsWith('-')));
  // Values of flags that take one (`--agent NAME`, `-n 50`) are not positional arguments.
  const valueFlags = new Set(['--agent', '-n', '--token', '--users', '--groups', '--provider', '--model']);
  const args = argv.filter((a, i) => !a.startsWith('-') && !valueFlags.has(argv[i - 1] ?? ''));
  const home = resolveHome();
  if (flags.has('--version') || flags.has('-V')) {
    process.stdout.write(`ductor ${packageInfo().version}\n`);
    return 0;
  }
  const [command = 'start', ...rest] = args;
  if (flags.has('--help') || flags.has('-h')) {
    process.stdout.write(helpText());
    return 0;
  }
  switch (command) {
    case 'start':
      return runStart({ home, verbose: flags.has('-v') || flags.has('--verbose') });
    case 'version':
      process.stdout.write(`ductor ${packageInfo().version}\n`);
      return 0;
    case 'help':
      process.stdout.write(helpText());
      return 0;
    case 'status':
      return runStatus({ home, json: flags.has('--json') });
    case 'stop':
      return runStop({ home });
    case 'restart':
      return runRestart({ home });
    case 'logs':
      return runLogs({ home, follow: flags.has('-f') || flags.has('--follow'), lines: numberFlag(argv, '-n') ?? 100 });
    case 'agents':
      return runAgents({
        home,
        args: rest,
        yes: flags.has('--yes') || flags.has('-y'),
        flags: new Map(['--token', '--users', '--groups', '--provider', '--model'].flatMap((f) => {
          const value = stringFlag(argv, f);
          return value === undefined ? [] : [[f, value] as [string, string]];
        })),
      });
    case 'chat':
      return runChat({ home, agent: stringFlag(argv, '--agent') ?? 'main' });
    case 'config':
      return runConfigCommand({ home, args: rest });
    case 'docker':
      return runDockerCommand({ home, args: rest });
    case 'upgrade':
      return runUpgrade({ home, checkOnly: flags.has('--check') });
    case 'onboarding':
      return runOnboarding({ home, reset: false, verbose: flags.has('-v') || flags.has('--verbose') });
    case 'reset':
      return runReset({ home, verbose: flags.has('-v') || flags.has('--verbose') });
    case 'service':
      return runServiceCommand({ home, args: rest, dryRun: flags.has('--dry-run') });
    default:
      process.stderr.write(`ductor: unknown command "${command}". Run \`ductor help\` for the list.\n`);
      return EXIT_FAILURE;
  }
}

function stringFlag(argv: string[], name: string): string | undefined {
  const index = argv.indexOf(name);
  return index >= 0 ? argv[index + 1] : undefined;
}

function numberFlag(argv: string[], name: string): number | undefined {
  const index = argv.indexOf(name);
  if (index < 0) return undefined;
  const value = Number.parseInt(argv[index + 1] ?? '', 10);
  return Number.isInteger(value) && value > 0 ? value : undefined;
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    process.stderr.write(`ductor: ${describeError(error)}\n`);
    process.exitCode = EXIT_FAILURE;
  },
);
