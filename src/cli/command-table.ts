/**
 * Every `ductor` command: its usage line, what it does, and its options for node:util parseArgs
 * (strict: an unknown option or a stray argument is an error, never silently ignored). `ductor
 * help`, `ductor help COMMAND` and `ductor COMMAND --help` are all generated from this table.
 */
import type { ParseArgsConfig } from 'node:util';

type Options = NonNullable<ParseArgsConfig['options']>;

export type CommandSpec = {
  /** What follows `ductor NAME` in the usage line. */
  usage: string;
  summary: string;
  options: Options;
  /** Help lines for the options, in order. */
  optionHelp: string[];
  /** Subcommands or arguments (`service install`), shown under the usage line. */
  detail?: string[];
  /** How many positional arguments the command takes. */
  maxPositionals: number;
};

const verbose: Options = { verbose: { type: 'boolean', short: 'v' } };
const VERBOSE_HELP = '-v, --verbose      debug logging';
const yes: Options = { yes: { type: 'boolean', short: 'y' } };

export const COMMANDS: Record<string, CommandSpec> = {
  start: { usage: '[start] [-v]', summary: 'start in the foreground (the supervisor and its workers); the default command', options: { ...verbose }, optionHelp: [VERBOSE_HELP], maxPositionals: 0 },
  status: { usage: 'status [--json]', summary: 'the supervisor and every worker (pid, state, uptime, restarts)', options: { json: { type: 'boolean' } }, optionHelp: ['--json             machine-readable output'], maxPositionals: 0 },
  stop: { usage: 'stop', summary: 'stop everything (the service first, if one runs this home) and release the lock', options: {}, optionHelp: [], maxPositionals: 0 },
  restart: { usage: 'restart', summary: 'restart all workers from the code on disk', options: {}, optionHelp: [], maxPositionals: 0 },
  logs: {
    usage: 'logs [-f] [-n N]',
    summary: 'merged logs of every process, in time order, human-readable',
    options: { follow: { type: 'boolean', short: 'f' }, lines: { type: 'string', short: 'n' } },
    optionHelp: ['-f, --follow       keep printing new lines', '-n, --lines N      how many lines to show first (default 100)'],
    maxPositionals: 0,
  },
  agents: {
    usage: 'agents [list|add NAME|remove NAME] [options]',
    summary: 'sub-agents: each with its own bot, home and worker process',
    options: { token: { type: 'string' }, users: { type: 'string' }, groups: { type: 'string' }, provider: { type: 'string' }, model: { type: 'string' }, ...yes },
    optionHelp: ['--token T          the sub-agent’s bot token (add)', '--users 1,2        allowed Telegram user ids (add)', '--groups -100…     allowed group ids (add)', '--provider P       claude, codex or gemini (add)', '--model M          the model (add)', '-y, --yes          remove without asking'],
    detail: ['list (default), add NAME, remove NAME (the agent’s files stay on disk)'],
    maxPositionals: 2,
  },
  chat: { usage: 'chat [--agent NAME]', summary: 'talk to an agent from this terminal, through the running ductor', options: { agent: { type: 'string' } }, optionHelp: ['--agent NAME       the agent to talk to (default main)'], maxPositionals: 0 },
  config: { usage: 'config schema [FILE]', summary: 'write the JSON Schema of config.json (default: config/config.schema.json)', options: {}, optionHelp: [], maxPositionals: 2 },
  api: { usage: 'api enable|disable', summary: 'the WebSocket API (beta, loopback by default): writes the api block and a token', options: {}, optionHelp: [], maxPositionals: 1 },
  docker: {
    usage: 'docker SUBCOMMAND [ARG]',
    summary: 'the Docker sandbox',
    options: {},
    optionHelp: [],
    detail: ['enable | disable | rebuild | mount PATH | unmount PATH | mounts | extras | extras-add ID | extras-remove ID'],
    maxPositionals: 2,
  },
  service: {
    usage: 'service install|status|start|stop|logs|uninstall [--dry-run]',
    summary: 'run ductor as a background service (systemd user unit, launchd agent or scheduled task)',
    options: { 'dry-run': { type: 'boolean' } },
    optionHelp: ['--dry-run          print the service file and the commands; change nothing'],
    maxPositionals: 1,
  },
  onboarding: { usage: 'onboarding [-v]', summary: 'the setup wizard (needs a terminal); starts ductor afterwards', options: { ...verbose }, optionHelp: [VERBOSE_HELP], maxPositionals: 0 },
  reset: { usage: 'reset [-v]', summary: 'the setup wizard again, keeping the parts of the config you pick', options: { ...verbose }, optionHelp: [VERBOSE_HELP], maxPositionals: 0 },
  upgrade: { usage: 'upgrade [--check]', summary: 'install the newest version from the configured update_source and restart', options: { check: { type: 'boolean' } }, optionHelp: ['--check            only say whether a newer version exists'], maxPositionals: 0 },
  uninstall: { usage: 'uninstall [--purge] [--yes]', summary: 'remove the service and the npm package', options: { purge: { type: 'boolean' }, ...yes }, optionHelp: ['--purge            delete the home (~/.ductor) too', '-y, --yes          do not ask'], maxPositionals: 0 },
  help: { usage: 'help [COMMAND]', summary: 'this text, or one command’s', options: {}, optionHelp: [], maxPositionals: 1 },
  version: { usage: 'version', summary: 'the installed version (also --version, -V)', options: {}, optionHelp: [], maxPositionals: 0 },
};

/** `ductor help`: every command, one line each. */
export function helpText(): string {
  const lines = Object.entries(COMMANDS).map(([, spec]) => {
    const left = `  ductor ${spec.usage}`;
    return left.length < 34 ? `${left.padEnd(34)}${spec.summary}` : `${left}\n${' '.repeat(34)}${spec.summary}`;
  });
  return `ductor — Claude Code, Codex and Gemini CLIs on Telegram

Usage: ductor [command] [options]

${lines.join('\n')}

Every command takes --help. Home: $DUCTOR_HOME, default ~/.ductor
`;
}

/** `ductor COMMAND --help`. */
export function commandHelp(name: string): string {
  const spec = COMMANDS[name]!;
  const parts = [`Usage: ductor ${spec.usage}`, '', spec.summary];
  if (spec.detail) parts.push('', ...spec.detail);
  parts.push('', 'Options:', ...spec.optionHelp.map((l) => `  ${l}`), '  -h, --help         this text');
  return `${parts.join('\n')}\n`;
}
