#!/usr/bin/env node
/** The `ductor` command: argv → one command. Says one clear line and exits non-zero on misuse. */
import { EXIT_FAILURE } from '../shared/exit-codes.js';
import { describeError } from '../shared/errors.js';
import { resolveHome } from '../shared/paths.js';
import { packageInfo } from '../shared/package-info.js';
import { commandHelp, helpText } from './command-table.js';
import { parseCommand, positiveInt, UsageError } from './parse-command.js';
import { oldNodeWarning } from './node-version.js';

// Each command's module is loaded only when that command runs: `ductor` (start) then parses the
// supervisor's code alone, which keeps the cold start short and the supervisor's memory small.
async function main(argv: string[]): Promise<number> {
  const parsed = parseCommand(argv);
  if (parsed.kind === 'version') {
    process.stdout.write(`ductor ${packageInfo().version}\n`);
    return 0;
  }
  if (parsed.kind === 'help') {
    process.stdout.write(parsed.command === null ? helpText() : commandHelp(parsed.command));
    return 0;
  }
  const { command, values, positionals: rest } = parsed;
  const flag = (name: string) => values[name] === true;
  const text = (name: string) => (typeof values[name] === 'string' ? (values[name] as string) : undefined);
  const home = resolveHome();
  switch (command) {
    case 'start': {
      // The workers are forked first, so they load their code while the supervisor loads its own.
      const { StandbyWorkers } = await import('../supervisor/prefork.js');
      const standby = new StandbyWorkers(home);
      return (await import('./commands/start.js')).runStart({ home, verbose: flag('verbose'), standby });
    }
    case 'status':
      return (await import('./commands/status.js')).runStatus({ home, json: flag('json') });
    case 'stop':
      return (await import('./commands/stop.js')).runStop({ home });
    case 'restart':
      return (await import('./commands/restart.js')).runRestart({ home });
    case 'logs':
      return (await import('./commands/logs.js')).runLogs({ home, follow: flag('follow'), lines: positiveInt('logs', '-n/--lines', values.lines, 100) });
    case 'agents':
      return (await import('./commands/agents.js')).runAgents({
        home,
        args: rest,
        yes: flag('yes'),
        flags: new Map(['token', 'users', 'groups', 'provider', 'model'].flatMap((f) => {
          const value = text(f);
          return value === undefined ? [] : [[`--${f}`, value] as [string, string]];
        })),
      });
    case 'chat':
      return (await import('./commands/chat.js')).runChat({ home, agent: text('agent') ?? 'main' });
    case 'config':
      return (await import('./commands/config.js')).runConfigCommand({ home, args: rest });
    case 'api':
      return (await import('./commands/api.js')).runApiCommand({ home, args: rest });
    case 'docker':
      return (await import('./commands/docker.js')).runDockerCommand({ home, args: rest });
    case 'upgrade':
      return (await import('./commands/upgrade.js')).runUpgrade({ home, checkOnly: flag('check') });
    case 'uninstall':
      return (await import('./commands/uninstall.js')).runUninstall({ home, purge: flag('purge'), yes: flag('yes') });
    case 'onboarding':
      return (await import('./commands/onboarding.js')).runOnboarding({ home, reset: false, verbose: flag('verbose') });
    case 'reset':
      return (await import('./commands/reset.js')).runReset({ home, verbose: flag('verbose') });
    case 'service':
      return (await import('./commands/service.js')).runServiceCommand({ home, args: rest, dryRun: flag('dry-run') });
    default:
      process.stderr.write(`ductor: unknown command "${command}". Run \`ductor help\` for the list.\n`);
      return EXIT_FAILURE;
  }
}

const warning = oldNodeWarning(process.version, process.stderr.isTTY === true);
if (warning !== null) process.stderr.write(warning);

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    process.stderr.write(error instanceof UsageError ? `${error.message}\n` : `ductor: ${describeError(error)}\n`);
    process.exitCode = EXIT_FAILURE;
  },
);
