#!/usr/bin/env node
/** The `ductor` command: argv → one command. Says one clear line and exits non-zero on misuse. */
import { EXIT_FAILURE } from '../shared/exit-codes.js';
import { describeError } from '../shared/errors.js';
import { resolveHome } from '../shared/paths.js';
import { packageInfo } from '../shared/package-info.js';
import { helpText } from './commands/help.js';

// Each command's module is loaded only when that command runs: `ductor` (start) then parses the
// supervisor's code alone, which keeps the cold start short and the supervisor's memory small.
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
    case 'start': {
      // The workers are forked first, so they load their code while the supervisor loads its own.
      const { StandbyWorkers } = await import('../supervisor/prefork.js');
      const standby = new StandbyWorkers(home);
      return (await import('./commands/start.js')).runStart({ home, verbose: flags.has('-v') || flags.has('--verbose'), standby });
    }
    case 'version':
      process.stdout.write(`ductor ${packageInfo().version}\n`);
      return 0;
    case 'help':
      process.stdout.write(helpText());
      return 0;
    case 'status':
      return (await import('./commands/status.js')).runStatus({ home, json: flags.has('--json') });
    case 'stop':
      return (await import('./commands/stop.js')).runStop({ home });
    case 'restart':
      return (await import('./commands/restart.js')).runRestart({ home });
    case 'logs':
      return (await import('./commands/logs.js')).runLogs({ home, follow: flags.has('-f') || flags.has('--follow'), lines: numberFlag(argv, '-n') ?? 100 });
    case 'agents':
      return (await import('./commands/agents.js')).runAgents({
        home,
        args: rest,
        yes: flags.has('--yes') || flags.has('-y'),
        flags: new Map(['--token', '--users', '--groups', '--provider', '--model'].flatMap((f) => {
          const value = stringFlag(argv, f);
          return value === undefined ? [] : [[f, value] as [string, string]];
        })),
      });
    case 'chat':
      return (await import('./commands/chat.js')).runChat({ home, agent: stringFlag(argv, '--agent') ?? 'main' });
    case 'config':
      return (await import('./commands/config.js')).runConfigCommand({ home, args: rest });
    case 'api':
      return (await import('./commands/api.js')).runApiCommand({ home, args: rest });
    case 'docker':
      return (await import('./commands/docker.js')).runDockerCommand({ home, args: rest });
    case 'upgrade':
      return (await import('./commands/upgrade.js')).runUpgrade({ home, checkOnly: flags.has('--check') });
    case 'uninstall':
      return (await import('./commands/uninstall.js')).runUninstall({ home, purge: flags.has('--purge'), yes: flags.has('--yes') || flags.has('-y') });
    case 'onboarding':
      return (await import('./commands/onboarding.js')).runOnboarding({ home, reset: false, verbose: flags.has('-v') || flags.has('--verbose') });
    case 'reset':
      return (await import('./commands/reset.js')).runReset({ home, verbose: flags.has('-v') || flags.has('--verbose') });
    case 'service':
      return (await import('./commands/service.js')).runServiceCommand({ home, args: rest, dryRun: flags.has('--dry-run') });
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
