/**
 * Where updates that were set aside go: one JSON line each in `run/quarantine.jsonl` under the
 * main home (owner-only: it holds message text), rolled over to `.1` when it grows past its bound,
 * and one short notice to the bot's owner, so a message that was not answered is never a mystery.
 * Telegram updates and Matrix events share the file; `transport` says which.
 */
import { open, rename, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { catalogue } from '../../shared/i18n/index.js';
import type { Logger } from '../../shared/log/logger.js';
import { mainPaths } from '../../shared/paths.js';
import { ownerOnlyFolder } from '../../shared/store/owner-only.js';
import { SerialWrites } from '../../shared/store/serial-writes.js';

/** The file rolls over to `.1` (one old file kept) before it would pass this size. */
const DEFAULT_MAX_BYTES = 1024 * 1024;
/** A raw update longer than this (as JSON) is kept cut to this length, as a string. */
const MAX_UPDATE_JSON = 16 * 1024;
/** At most one notice per bot in this interval; what comes meanwhile is told in one later notice. */
const DEFAULT_NOTICE_INTERVAL_MS = 60_000;
/** Ids remembered so an update is recorded and told once even when it is handed over again. */
const REMEMBERED_IDS = 1_000;

export type QuarantineOptions = {
  /** The main home: the file lives in its run folder, shared by every bot of this process. */
  home: string;
  transport: 'tg' | 'mx';
  /** The agent whose bot or client received the update. */
  agent: string;
  log: Logger;
  /** The owner's language, read when a notice is sent. */
  language: () => string;
  /** Sends a plain-text notice to the owner (first allowed user) of this bot. */
  notify: (text: string) => Promise<unknown>;
  maxBytes?: number;
  noticeIntervalMs?: number;
};

export type QuarantinedUpdate = {
  /** Telegram's update_id or Matrix's event id. */
  id: number | string;
  reason: string;
  /** As received. */
  update: unknown;
};

export function quarantineFileOf(home: string): string {
  return join(mainPaths(home).runDir, 'quarantine.jsonl');
}

/** One writer per file in this process: appends and the roll-over never interleave. */
const writers = new Map<string, SerialWrites>();

export class UpdateQuarantine {
  readonly #options: QuarantineOptions;
  readonly #file: string;
  readonly #seen = new Set<number | string>();
  #lastNoticeAt = -Infinity;
  #untold = 0;
  #timer: NodeJS.Timeout | null = null;

  constructor(options: QuarantineOptions) {
    this.#options = options;
    this.#file = quarantineFileOf(options.home);
  }

  /** Appends the entry and tells the owner (now, or with the next notice). Once per id. */
  async record(entry: QuarantinedUpdate): Promise<void> {
    if (this.#seen.has(entry.id)) return;
    this.#seen.add(entry.id);
    if (this.#seen.size > REMEMBERED_IDS) this.#seen.delete(this.#seen.values().next().value!);
    try {
      await this.#append(entry);
    } catch (error) {
      this.#options.log.error({ err: error, id: entry.id, file: this.#file }, 'could not write the quarantine file');
    }
    this.#untold++;
    this.#tell();
  }

  /** Stops a pending notice timer (the bot is stopping). */
  close(): void {
    if (this.#timer) clearTimeout(this.#timer);
    this.#timer = null;
  }

  async #append(entry: QuarantinedUpdate): Promise<void> {
    const o = this.#options;
    const json = JSON.stringify(entry.update) ?? 'undefined';
    const kept = json.length <= MAX_UPDATE_JSON ? { update: entry.update } : { updateJson: json.slice(0, MAX_UPDATE_JSON), updateLength: json.length };
    const line = `${JSON.stringify({ at: new Date().toISOString(), transport: o.transport, agent: o.agent, id: entry.id, reason: entry.reason.slice(0, 2_000), ...kept })}\n`;
    const maxBytes = o.maxBytes ?? DEFAULT_MAX_BYTES;
    let writer = writers.get(this.#file);
    if (!writer) writers.set(this.#file, (writer = new SerialWrites()));
    await writer.run(async () => {
      await ownerOnlyFolder(mainPaths(o.home).runDir);
      const size = await stat(this.#file).then((s) => s.size, () => 0);
      if (size > 0 && size + Buffer.byteLength(line) > maxBytes) await rename(this.#file, `${this.#file}.1`);
      const handle = await open(this.#file, 'a', 0o600);
      try {
        // A file made looser by hand (or by an older version) is owner-only again from now on.
        await handle.chmod(0o600);
        await handle.appendFile(line);
      } finally {
        await handle.close();
      }
    });
  }

  /** Sends the notice now, or schedules one for when the interval since the last one has passed. */
  #tell(): void {
    const interval = this.#options.noticeIntervalMs ?? DEFAULT_NOTICE_INTERVAL_MS;
    const wait = this.#lastNoticeAt + interval - Date.now();
    if (wait > 0) {
      this.#timer ??= setTimeout(() => {
        this.#timer = null;
        this.#tell();
      }, wait);
      this.#timer.unref();
      return;
    }
    const count = this.#untold;
    if (count === 0) return;
    this.#untold = 0;
    this.#lastNoticeAt = Date.now();
    const text = catalogue(this.#options.language()).updatesSetAside(count, this.#file);
    void this.#options.notify(text).catch((error: unknown) => this.#options.log.warn({ err: error }, 'could not tell the owner about an update set aside'));
  }
}
