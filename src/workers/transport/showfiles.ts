/**
 * `/showfiles`: the agent's home as an inline-keyboard tree. `sf:<n>` opens a folder (the message
 * is edited in place), `sf!<n>` asks the agent to send that file. Callback data is capped at 64
 * bytes, so buttons carry short numbers that this browser maps back to paths; after a transport
 * restart the numbers are gone and the user is asked to start again.
 */
import { encodeCallback } from '../../shared/callbacks/callback-data.js';
import { readdir } from 'node:fs/promises';
import { join, posix } from 'node:path';
import { isProtectedPath, mainHomeOf } from '../../shared/security/protected-files.js';
import type { InlineKeyboardMarkup } from './telegram-bot.js';

/** More entries than this are summarised in the header instead of listed. */
const MAX_ENTRIES = 40;
/** Paths remembered per bot; the oldest are forgotten first. */
const MAX_REMEMBERED = 2_000;

export type Listing = { text: string; keyboard: InlineKeyboardMarkup };

export class FileBrowser {
  private readonly paths = new Map<number, string>();
  private nextId = 1;

  /** `mainHome`: the ductor home whose config, state and secrets stay hidden (derived from `root`). */
  constructor(private readonly root: string, private readonly mainHome = mainHomeOf(root)) {}

  /** The relative path behind a button number, or undefined when it was forgotten. */
  pathOf(id: string): string | undefined {
    return this.paths.get(Number(id));
  }

  /**
   * The listing of `rel` ('' = the home): folders first, dot files hidden (`.env` holds secrets),
   * and the home's config, runtime state and secrets never listed, so they cannot be picked.
   */
  async list(rel: string, labels: { title: (path: string) => string; empty: string; up: string }): Promise<Listing> {
    const folder = join(this.root, rel);
    if (isProtectedPath(folder, this.mainHome)) throw new Error(`${rel} is not browsable`);
    const entries = (await readdir(folder, { withFileTypes: true }))
      .filter((e) => !e.name.startsWith('.') && !isProtectedPath(join(folder, e.name), this.mainHome))
      .sort((a, b) => Number(b.isDirectory()) - Number(a.isDirectory()) || a.name.localeCompare(b.name));
    const rows: InlineKeyboardMarkup['inline_keyboard'] = [];
    if (rel !== '') rows.push([{ text: labels.up, callback_data: encodeCallback('showFolder', String(this.idOf(posix.dirname(rel) === '.' ? '' : posix.dirname(rel)))) }]);
    for (const entry of entries.slice(0, MAX_ENTRIES)) {
      const child = rel === '' ? entry.name : `${rel}/${entry.name}`;
      const folder = entry.isDirectory();
      rows.push([{ text: `${folder ? '📁' : '📄'} ${entry.name}`.slice(0, 64), callback_data: encodeCallback(folder ? 'showFolder' : 'showFile', String(this.idOf(child))) }]);
    }
    const more = entries.length > MAX_ENTRIES ? ` (+${entries.length - MAX_ENTRIES})` : '';
    const text = `${labels.title(rel === '' ? '~' : rel)}${more}${entries.length === 0 ? `\n${labels.empty}` : ''}`;
    return { text, keyboard: { inline_keyboard: rows } };
  }

  private idOf(rel: string): number {
    for (const [id, path] of this.paths) if (path === rel) return id;
    const id = this.nextId++;
    this.paths.set(id, rel);
    if (this.paths.size > MAX_REMEMBERED) this.paths.delete(this.paths.keys().next().value!);
    return id;
  }
}
