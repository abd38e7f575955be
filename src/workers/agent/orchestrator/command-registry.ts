/**
 * Chat commands registered by name with their handler, in the manner of a bot framework's
 * `command()`: each group of commands registers what it answers, `match` finds the one handler
 * of a `/name@bot args` message, and /help lists exactly what is registered. Only names of the
 * shared command list are accepted, so /help and the Telegram menu cannot miss a command.
 */
import type { AgentCommandName } from '../../../shared/i18n/index.js';
import type { Inbound } from '../../../shared/rpc/conversation-schemas.js';
import type { Reply } from './commands.js';

export type CommandContext = {
  /** The name as registered (an alias resolves to the name the user typed). */
  name: AgentCommandName;
  /** The text after the name (and after an `@bot` suffix), trimmed. */
  args: string;
  message: Inbound;
};

/** A reply to send; `handled`: the handler answered (or deliberately stays silent) itself. */
export type CommandOutcome = Reply | 'handled';

export type CommandRegistration = {
  /** The command and its aliases; each appears in /help with its own line. */
  names: readonly [AgentCommandName, ...AgentCommandName[]];
  /**
   * Arguments the command takes; other text is no command of ours and goes on as a message
   * (e.g. `/upgrade now` is a prompt, `/upgrade` the command).
   */
  accepts?: (args: string) => boolean;
  run: (context: CommandContext) => Promise<CommandOutcome>;
};

/** `/name`, `/name@bot`, `/name args`; the name is lower-cased. */
const SLASH = /^\/([a-z_]+)(?:@\w+)?(?:\s+([\s\S]*))?$/i;

export function parseSlash(text: string): { name: string; args: string } | null {
  const match = SLASH.exec(text.trim());
  if (!match) return null;
  return { name: match[1]!.toLowerCase(), args: (match[2] ?? '').trim() };
}

export const noArgs = (args: string): boolean => args === '';
export const atMostOneWord = (args: string): boolean => !/\s/.test(args);

export class CommandRegistry {
  private readonly byName = new Map<string, CommandRegistration>();

  /** Registers one command (all its names); a name registered twice is a programming error. */
  register(registration: CommandRegistration): this {
    for (const name of registration.names) {
      if (this.byName.has(name)) throw new Error(`the command /${name} is already registered`);
      this.byName.set(name, registration);
    }
    return this;
  }

  registerAll(registrations: readonly CommandRegistration[]): this {
    for (const registration of registrations) this.register(registration);
    return this;
  }

  /** The handler call for `text`, or null when it is no registered command (it goes on as a message). */
  match(text: string, message: Inbound): (() => Promise<CommandOutcome>) | null {
    const parsed = parseSlash(text);
    if (!parsed) return null;
    const registration = this.byName.get(parsed.name);
    if (!registration || (registration.accepts && !registration.accepts(parsed.args))) return null;
    const context: CommandContext = { name: parsed.name as AgentCommandName, args: parsed.args, message };
    return () => registration.run(context);
  }

  /** Every registered name, aliases included. */
  names(): ReadonlySet<string> {
    return new Set(this.byName.keys());
  }
}
