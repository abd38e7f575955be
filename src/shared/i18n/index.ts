/** The UI text catalogues, one per `language` value; English is the reference and the fallback. */
import type { LANGUAGES } from '../config/schema.js';

type Language = (typeof LANGUAGES)[number];
import { de } from './de.js';
import { en, type Catalogue, type CommandName } from './en.js';
import { es } from './es.js';
import { fr } from './fr.js';
import { nl } from './nl.js';
import { pt } from './pt.js';
import { ru } from './ru.js';
import { MENU_COMMANDS } from './command-list.js';

export type { Catalogue, CommandName };
export { renderHelp, type AgentCommandName } from './command-list.js';

/**
 * The translations are built on first use: a process needs one or two languages, and the other
 * catalogues (objects of texts and closures) would sit in every worker's heap unused.
 */
const TRANSLATIONS: Record<Exclude<Language, 'en'>, () => Catalogue> = { de, nl, fr, ru, es, pt };
const built = new Map<string, Catalogue>([['en', en]]);

/** The catalogue of `language`; an unknown value (a newer config) falls back to English. */
export function catalogue(language: string): Catalogue {
  const known = built.get(language);
  if (known !== undefined) return known;
  const build = (TRANSLATIONS as Record<string, (() => Catalogue) | undefined>)[language];
  if (build === undefined) return en;
  const made = build();
  built.set(language, made);
  return made;
}

/** The command menu in its spec order, from the one command list (only commands that answer today). */
export const MENU_ORDER: readonly CommandName[] = MENU_COMMANDS;

export function menuCommands(language: string): { command: string; description: string }[] {
  const text = catalogue(language).commands;
  return MENU_ORDER.map((command) => ({ command, description: text[command] }));
}
