/**
 * Which messages hold each running turn's live stream (`run/streams.json` in the main home, one
 * file for every bot and every network; only the transport worker writes it). A transport
 * restarted in the middle of a turn finds the turn's messages here: Telegram edits them into the
 * final answer, Matrix (which sends finished segments) sends only what the segments did not show,
 * instead of posting the answer again beside a half-finished copy. An entry goes once the turn's
 * final delivery is recorded; entries of turns that never ended are dropped after a day.
 */
import * as z from 'zod/mini';
import '../../shared/zod-english.js';
import { JsonStore, type CorruptReport } from '../../shared/store/json-store.js';
import { SerialWrites } from '../../shared/store/serial-writes.js';

/** A turn's stream older than this is not resumed (its agent has long offered a Retry). */
const KEEP_MS = 24 * 60 * 60_000;

const StreamEntrySchema = z.object({
  agent: z.string(),
  turnId: z.string(),
  chatId: z.int(),
  messageIds: z.array(z.int()),
  /** Matrix: the segments' event ids, how many characters (other than whitespace) of the answer they showed, and a digest of those. */
  eventIds: z.optional(z.array(z.string())),
  shownChars: z.optional(z.int().check(z.gte(0))),
  shownDigest: z.optional(z.string()),
  /**
   * Matrix: the segment being sent (recorded before the send, with its transaction id): a restarted
   * transport sends it again with the same id, which the homeserver answers with the first event.
   */
  pending: z.optional(z.object({ txnId: z.string(), text: z.string(), shownChars: z.int().check(z.gte(0)), shownDigest: z.string() })),
  updatedAt: z.string(),
});
export type StreamEntry = z.infer<typeof StreamEntrySchema>;

const StreamsFileSchema = z.object({ streams: z._default(z.array(StreamEntrySchema), []) });

export class StreamStates {
  private readonly store: JsonStore<typeof StreamsFileSchema>;
  private entries = new Map<string, StreamEntry>();
  private readonly writes = new SerialWrites();

  constructor(file: string, onCorrupt: (report: CorruptReport) => void) {
    this.store = new JsonStore({ file, schema: StreamsFileSchema, empty: () => ({ streams: [] }), onCorrupt });
  }

  async load(now = Date.now()): Promise<void> {
    const { streams } = await this.store.read();
    const fresh = streams.filter((s) => now - Date.parse(s.updatedAt) < KEEP_MS);
    this.entries = new Map(fresh.map((s) => [keyOf(s.agent, s.turnId), s]));
  }

  get(agent: string, turnId: string): StreamEntry | undefined {
    return this.entries.get(keyOf(agent, turnId));
  }

  /** The turn's live messages, in order; written at once, since the next moment may be a crash. */
  async set(agent: string, turnId: string, chatId: number, messageIds: number[]): Promise<void> {
    await this.put({ agent, turnId, chatId, messageIds });
  }

  /** The turn's record with what a segment-sending network showed (event ids, characters). */
  async put(record: Omit<StreamEntry, 'updatedAt'>): Promise<void> {
    const key = keyOf(record.agent, record.turnId);
    const known = this.entries.get(key);
    if (known && known.chatId === record.chatId && sameIds(known.messageIds, record.messageIds) && known.shownChars === record.shownChars && known.pending?.txnId === record.pending?.txnId) return;
    const entry: StreamEntry = { ...record, messageIds: [...record.messageIds], updatedAt: new Date().toISOString() };
    if (record.eventIds) entry.eventIds = [...record.eventIds];
    this.entries.set(key, entry);
    await this.flush();
  }

  async remove(agent: string, turnId: string): Promise<void> {
    if (!this.entries.delete(keyOf(agent, turnId))) return;
    await this.flush();
  }

  private flush(): Promise<void> {
    const snapshot = { streams: [...this.entries.values()].map((e) => ({ ...e, messageIds: [...e.messageIds], ...(e.eventIds ? { eventIds: [...e.eventIds] } : {}) })) };
    return this.writes.run(() => this.store.write(snapshot));
  }
}

function keyOf(agent: string, turnId: string): string {
  return `${agent}\n${turnId}`;
}

function sameIds(a: readonly number[], b: readonly number[]): boolean {
  return a.length === b.length && a.every((id, i) => id === b[i]);
}
