/**
 * Which Telegram messages hold each running turn's live stream (`run/streams.json` in the main
 * home, one file for every bot; only the transport worker writes it). A transport restarted in
 * the middle of a turn finds the turn's messages here and edits them into the final answer,
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
    const key = keyOf(agent, turnId);
    const known = this.entries.get(key);
    if (known && known.chatId === chatId && sameIds(known.messageIds, messageIds)) return;
    this.entries.set(key, { agent, turnId, chatId, messageIds: [...messageIds], updatedAt: new Date().toISOString() });
    await this.flush();
  }

  async remove(agent: string, turnId: string): Promise<void> {
    if (!this.entries.delete(keyOf(agent, turnId))) return;
    await this.flush();
  }

  private flush(): Promise<void> {
    const snapshot = { streams: [...this.entries.values()].map((e) => ({ ...e, messageIds: [...e.messageIds] })) };
    return this.writes.run(() => this.store.write(snapshot));
  }
}

function keyOf(agent: string, turnId: string): string {
  return `${agent}\n${turnId}`;
}

function sameIds(a: readonly number[], b: readonly number[]): boolean {
  return a.length === b.length && a.every((id, i) => id === b[i]);
}
