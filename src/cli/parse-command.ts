/** argv → one command and its parsed options, strictly (node:util parseArgs). */
import { parseArgs } from 'node:util';
import { DuctorError } from '../shared/errors.js';
import { COMMANDS } from './command-table.js';

export type ParsedCommand =
  | { kind: 'version' }
  | { kind: 'help'; command: string | null }
  | { kind: 'run'; command: string; values: Record<string, string | boolean | undefined>; positionals: string[] };

export class UsageError extends DuctorError {
  constructor(message: string) {
    super('USAGE', message);
    this.name = 'UsageError';
  }
}

/**
 * `--groups -1001234`: parseArgs reads a value that starts with a dash as a missing value. For
 * options that take one, a negative number after them is joined (`--groups=-1001234`).
 */
function joinNegativeValues(argv: readonly string[], valueFlags: Set<string>): string[] {
  const out: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    const next = argv[i + 1];
    if (valueFlags.has(arg) && next !== undefined && /^-\d/.test(next)) {
      out.push(`${arg}=${next}`);
      i++;
    } else out.push(arg);
  }
  return out;
}

export function parseCommand(argv: readonly string[]): ParsedCommand {
  const first = argv[0];
  if (first === '--version' || first === '-V') return { kind: 'version' };
  if (first === '--help' || first === '-h') return { kind: 'help', command: null };
  const explicit = first !== undefined && !first.startsWith('-');
  const command = explicit ? first : 'start';
  const rest = explicit ? argv.slice(1) : argv;
  const spec = COMMANDS[command];
  if (spec === undefined) throw new UsageError(`ductor: unknown command "${command}". Run \`ductor help\` for the list.`);
  const options = { ...spec.options, help: { type: 'boolean' as const, short: 'h' } };
  const valueFlags = new Set(
    Object.entries(spec.options).flatMap(([name, o]) => (o.type === 'string' ? [`--${name}`, ...(o.short ? [`-${o.short}`] : [])] : [])),
  );
  let parsed;
  try {
    parsed = parseArgs({ args: joinNegativeValues(rest, valueFlags), options, allowPositionals: true, strict: true });
  } catch (error) {
    const message = error instanceof Error ? error.message.split('\n')[0]!.replace(/^Unknown option '([^']+)'.*$/, "unknown option '$1'") : String(error);
    const said = message.replace(/\.$/, '');
    throw new UsageError(`ductor ${command}: ${said.charAt(0).toLowerCase()}${said.slice(1)}. Run \`ductor ${command} --help\`.`);
  }
  if (parsed.values.help) return { kind: 'help', command };
  if (command === 'help') {
    const about = parsed.positionals[0];
    if (about !== undefined && COMMANDS[about] === undefined) throw new UsageError(`ductor: unknown command "${about}". Run \`ductor help\` for the list.`);
    if (parsed.positionals.length > 1) throw new UsageError(`ductor help: unexpected argument '${parsed.positionals[1]}'. Run \`ductor help --help\`.`);
    return { kind: 'help', command: about ?? null };
  }
  if (command === 'version') return { kind: 'version' };
  if (parsed.positionals.length > spec.maxPositionals) {
    throw new UsageError(`ductor ${command}: unexpected argument '${parsed.positionals[spec.maxPositionals]}'. Run \`ductor ${command} --help\`.`);
  }
  return { kind: 'run', command, values: parsed.values as Record<string, string | boolean | undefined>, positionals: parsed.positionals };
}

/** `-n 50`: a positive whole number, or a usage error naming the option. */
export function positiveInt(command: string, flag: string, raw: string | boolean | undefined, fallback: number): number {
  if (raw === undefined) return fallback;
  const text = String(raw);
  if (!/^\d+$/.test(text) || Number(text) < 1) throw new UsageError(`ductor ${command}: ${flag} needs a positive whole number, not '${text}'`);
  return Number(text);
}
