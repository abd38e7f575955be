/**
 * Deliveries already sent, by delivery id (`run/deliveries.json` in the main home). An agent
 * retries a delivery after a crash with the same id; this log makes the retry a no-op, so no
 * reply is sent twice. Only the transport worker writes it.
 */
import * as z from 'zod/mini';
import '../../shared/zod-english.js';
import { JsonStore, type CorruptReport } from '../../shared/store/json-store.js';
import { SerialWrites } from '../../shared/store/serial-writes.js';

/** Ids remembered; older ones cannot come back (the agent drops a delivery once confirmed). */
const KEEP = 2_000;

const DeliveryLogSchema = z.object({
  sent: z._default(z.array(z.object({ id: z.string(), messageIds: z.array(z.int()) })), []),
});

export class DeliveryLog {
  private readonly store: JsonStore<typeof DeliveryLogSchema>;
  private entries = new Map<string, number[]>();
  private readonly writes = new SerialWrites();

  constructor(file: string, onCorrupt: (report: CorruptReport) => void) {
    this.store = new JsonStore({ file, schema: DeliveryLogSchema, empty: () => ({ sent: [] }), onCorrupt });
  }

  async load(): Promise<void> {
    const { sent } = await this.store.read();
    this.entries = new Map(sent.map((e) => [e.id, e.messageIds]));
  }

  get(id: string): number[] | undefined {
    return this.entries.get(id);
  }

  async record(id: string, messageIds: number[]): Promise<void> {
    this.entries.set(id, messageIds);
    while (this.entries.size > KEEP) this.entries.delete(this.entries.keys().next().value as string);
    const snapshot = { sent: [...this.entries].map(([entryId, ids]) => ({ id: entryId, messageIds: ids })) };
    await this.writes.run(() => this.store.write(snapshot));
  }
}
