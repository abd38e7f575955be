/**
 * Deliveries already sent, by agent and delivery id (`run/deliveries.json` in the main home, one
 * file for every bot). An agent retries a delivery after a crash with the same id; this log makes
 * the retry a no-op, so no reply is sent twice. The agent is part of the key: two agents may carry
 * the same delivery id (their bots number messages alike). Only the transport worker writes it.
 */
import * as z from 'zod/mini';
import '../../shared/zod-english.js';
import { JsonStore, type CorruptReport } from '../../shared/store/json-store.js';
import { SerialWrites } from '../../shared/store/serial-writes.js';

/** Ids remembered; older ones cannot come back (the agent drops a delivery once confirmed). */
const KEEP = 2_000;

const DeliveryLogSchema = z.object({
  sent: z._default(z.array(z.object({
    // Absent in logs of older versions: such entries match no agent and age out.
    agent: z.optional(z.string()),
    id: z.string(),
    messageIds: z.array(z.int()),
  })), []),
});

type Entry = { agent: string | undefined; id: string; messageIds: number[] };

export class DeliveryLog {
  private readonly store: JsonStore<typeof DeliveryLogSchema>;
  private entries = new Map<string, Entry>();
  private readonly writes = new SerialWrites();

  constructor(file: string, onCorrupt: (report: CorruptReport) => void) {
    this.store = new JsonStore({ file, schema: DeliveryLogSchema, empty: () => ({ sent: [] }), onCorrupt });
  }

  async load(): Promise<void> {
    const { sent } = await this.store.read();
    this.entries = new Map(sent.map((e) => [keyOf(e.agent, e.id), { agent: e.agent, id: e.id, messageIds: e.messageIds }]));
  }

  get(agent: string, id: string): number[] | undefined {
    return this.entries.get(keyOf(agent, id))?.messageIds;
  }

  async record(agent: string, id: string, messageIds: number[]): Promise<void> {
    this.entries.set(keyOf(agent, id), { agent, id, messageIds });
    while (this.entries.size > KEEP) this.entries.delete(this.entries.keys().next().value as string);
    const snapshot = { sent: [...this.entries.values()].map((e) => ({ ...(e.agent === undefined ? {} : { agent: e.agent }), id: e.id, messageIds: e.messageIds })) };
    await this.writes.run(() => this.store.write(snapshot));
  }
}

/** A newline cannot occur in an agent name, so the key is unambiguous. */
function keyOf(agent: string | undefined, id: string): string {
  return `${agent ?? ''}\n${id}`;
}
