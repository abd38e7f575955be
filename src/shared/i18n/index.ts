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

export type { Catalogue, CommandName };

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

/**
 * The command menu in its spec order, only commands that answer today.
 * `/where` and `/leave` stay hidden, as the spec asks.
 */
export const MENU_ORDER: readonly CommandName[] = [
  'new', 'reset', 'stop', 'interrupt', 'model', 'effort', 'status', 'memory', 'session', 'sessions', 'tasks', 'cron', 'agent_commands',
  'showfiles', 'info', 'help',
  'diagnose', 'upgrade', 'restart', 'stop_all',
];

export function menuCommands(language: string): { command: string; description: string }[] {
  const text = catalogue(language).commands;
  return MENU_ORDER.map((command) => ({ command, description: text[command] }));
}
