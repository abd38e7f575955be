/**
 * What the Matrix intake already saw, kept across restarts in `<store>/sync_state.json`: the ids
 * of recent events (a restart's initial sync repeats the last events of every room, and a sync
 * may deliver an event twice) and the time the account first started (older history is not
 * answered). Messages sent while ductor was down are new ids and still run.
 */
import { readFile } from 'node:fs/promises';
import * as z from 'zod/mini';
import '../../../shared/zod-english.js';
import { writeFileAtomic } from '../../../shared/store/atomic-write.js';
import { SerialWrites } from '../../../shared/store/serial-writes.js';

/** More than the initial sync's 20 events per room for any realistic number of rooms. */
const SEEN_KEPT = 2_000;

const StateSchema = z.object({ first_start_ms: z.number(), seen: z.array(z.string()) });

export class SyncState {
  private readonly seen: Set<string>;
  private readonly writes = new SerialWrites();

  private constructor(private readonly file: string, private readonly firstStartMs: number, seen: string[]) {
    this.seen = new Set(seen);
  }

  static async load(file: string): Promise<SyncState> {
    try {
      const parsed = StateSchema.safeParse(JSON.parse(await readFile(file, 'utf8')));
      if (parsed.success) return new SyncState(file, parsed.data.first_start_ms, parsed.data.seen);
    } catch {
      // Missing or unreadable: this is the account's first start as far as ductor knows.
    }
    const state = new SyncState(file, Date.now(), []);
    await state.save();
    return state;
  }

  isNew(eventId: string, ts: number): boolean {
    return !this.seen.has(eventId) && ts >= this.firstStartMs;
  }

  async remember(eventId: string): Promise<void> {
    this.seen.add(eventId);
    if (this.seen.size > SEEN_KEPT) this.seen.delete(this.seen.values().next().value!);
    await this.save();
  }

  private save(): Promise<void> {
    const body = JSON.stringify({ first_start_ms: this.firstStartMs, seen: [...this.seen] });
    return this.writes.run(() => writeFileAtomic(this.file, body, { mode: 0o600 }));
  }
}
