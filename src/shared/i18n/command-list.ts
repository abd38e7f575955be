/**
 * Every chat command by name: where /help shows it, whether the Telegram menu lists it, and who
 * answers it. The agent worker registers a handler for each `agent` entry (its registry refuses a
 * name missing here), /help is rendered from this list and those handlers, and the command menu
 * comes from it too, so the three cannot drift apart.
 */

export type HelpSection = 'daily' | 'background' | 'multiAgent' | 'browse' | 'maintenance';

/** The order /help shows its sections in. */
export const HELP_SECTIONS: readonly HelpSection[] = ['daily', 'background', 'multiAgent', 'browse', 'maintenance'];

type Entry = {
  readonly name: string;
  /** The /help section; null keeps the command out of /help (and out of the menu). */
  readonly section: HelpSection | null;
  /** Listed in the Telegram command menu. */
  readonly menu: boolean;
  /** `transport` commands never reach an agent (the transport answers them itself). */
  readonly answeredBy: 'agent' | 'transport';
};

/** In menu order (the spec's); /help keeps this order within each section. */
export const COMMAND_LIST = [
  { name: 'new', section: 'daily', menu: true, answeredBy: 'agent' },
  { name: 'reset', section: 'daily', menu: true, answeredBy: 'agent' },
  { name: 'stop', section: 'daily', menu: true, answeredBy: 'agent' },
  { name: 'interrupt', section: 'daily', menu: true, answeredBy: 'agent' },
  { name: 'model', section: 'daily', menu: true, answeredBy: 'agent' },
  { name: 'effort', section: 'daily', menu: true, answeredBy: 'agent' },
  { name: 'status', section: 'daily', menu: true, answeredBy: 'agent' },
  { name: 'memory', section: 'daily', menu: true, answeredBy: 'agent' },
  { name: 'session', section: 'background', menu: true, answeredBy: 'agent' },
  { name: 'sessions', section: 'background', menu: true, answeredBy: 'agent' },
  { name: 'tasks', section: 'background', menu: true, answeredBy: 'agent' },
  { name: 'cron', section: 'background', menu: true, answeredBy: 'agent' },
  { name: 'agent_commands', section: 'multiAgent', menu: true, answeredBy: 'agent' },
  { name: 'showfiles', section: 'browse', menu: true, answeredBy: 'transport' },
  { name: 'info', section: 'maintenance', menu: true, answeredBy: 'agent' },
  { name: 'help', section: 'maintenance', menu: true, answeredBy: 'agent' },
  { name: 'diagnose', section: 'maintenance', menu: true, answeredBy: 'agent' },
  { name: 'upgrade', section: 'maintenance', menu: true, answeredBy: 'agent' },
  { name: 'restart', section: 'maintenance', menu: true, answeredBy: 'transport' },
  { name: 'stop_all', section: 'maintenance', menu: true, answeredBy: 'agent' },
  // Not in the menu ---------------------------------------------------------------------------
  { name: 'start', section: 'daily', menu: false, answeredBy: 'agent' },
  { name: 'agents', section: 'multiAgent', menu: false, answeredBy: 'agent' },
  { name: 'agent_start', section: 'multiAgent', menu: false, answeredBy: 'agent' },
  { name: 'agent_stop', section: 'multiAgent', menu: false, answeredBy: 'agent' },
  { name: 'agent_restart', section: 'multiAgent', menu: false, answeredBy: 'agent' },
  // The owner's group audit: hidden, as the spec asks.
  { name: 'where', section: null, menu: false, answeredBy: 'transport' },
  { name: 'leave', section: null, menu: false, answeredBy: 'transport' },
] as const satisfies readonly Entry[];

type Listed = (typeof COMMAND_LIST)[number];
/** A command the agent worker answers (its registry accepts only these names). */
export type AgentCommandName = Extract<Listed, { answeredBy: 'agent' }>['name'];
/** A command /help describes (each has a line in every catalogue's `helpLines`). */
export type HelpCommand = Extract<Listed, { section: HelpSection }>['name'];
export const MENU_COMMANDS = COMMAND_LIST.filter((c): c is Extract<Listed, { menu: true }> => c.menu).map((c) => c.name);

/**
 * The /help text: per section its title (bold) and a line per command, of the commands this
 * agent answers (`answered`) and those the transport answers for it; empty sections are left out.
 */
export function renderHelp(text: { helpSections: Record<HelpSection, string>; helpLines: Record<HelpCommand, string> }, answered: ReadonlySet<string>): string {
  const blocks: string[] = [];
  for (const section of HELP_SECTIONS) {
    const lines = COMMAND_LIST.filter((c) => c.section === section && (c.answeredBy === 'transport' || answered.has(c.name))).map((c) => `/${c.name} — ${text.helpLines[c.name as HelpCommand]}`);
    if (lines.length > 0) blocks.push(`*${text.helpSections[section]}*\n${lines.join('\n')}`);
  }
  return blocks.join('\n\n');
}
