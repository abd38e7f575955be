/**
 * The agent's inbox journal (`inbox.json`): every accepted message is written here before the
 * transport is told it may advance its Telegram offset, and stays until its turn's final answer is
 * in the outbox. After a crash or a stop, `queued` entries run again and `running` ones become
 * `interrupted` (the user is offered a retry, unless the outbox already holds the answer).
 * Recently finished ids are remembered so a redelivered update is not answered twice.
 */
import * as z from 'zod/mini';
import { lazySchema } from '../../../shared/lazy-schema.js';
import '../../../shared/zod-english.js';
import { InboundSchema, type Inbound } from '../../../shared/rpc/conversation-schemas.js';
import { JsonStore, type CorruptReport } from '../../../shared/store/json-store.js';
import { SerialWrites } from '../../../shared/store/serial-writes.js';

/** How many finished message ids are remembered for deduplication. */
const DONE_IDS_KEPT = 500;

const EntrySchema = lazySchema(() => z.object({
  inbound: InboundSchema,
  state: z.enum(['queued', 'running', 'interrupted']),
  turnId: z._default(z.nullable(z.string()), null),
  updatedAt: z.string(),
}));
export type InboxEntry = z.infer<typeof EntrySchema>;

const InboxFileSchema = lazySchema(() => z.object({
  entries: z._default(z.array(EntrySchema), []),
  doneIds: z._default(z.array(z.string()), []),
}));
type InboxFile = z.infer<typeof InboxFileSchema>;

export class InboxJournal {
  private readonly store: JsonStore<typeof InboxFileSchema>;
  private state: InboxFile = { entries: [], doneIds: [] };
  /** Serialises writes so two quick changes never race on the temp file. */
  private readonly writes = new SerialWrites();

  constructor(file: string, onCorrupt: (report: CorruptReport) => void) {
    this.store = new JsonStore({ file, schema: InboxFileSchema, empty: () => ({ entries: [], doneIds: [] }), onCorrupt });
  }

  /** Loads the journal; entries that were running when the process died become `interrupted`. */
  async load(): Promise<{ queued: InboxEntry[]; interrupted: InboxEntry[] }> {
    this.state = await this.store.read();
    const now = new Date().toISOString();
    const interrupted: InboxEntry[] = [];
    for (const entry of this.state.entries) {
      if (entry.state === 'running') {
        entry.state = 'interrupted';
        entry.updatedAt = now;
        interrupted.push(entry);
      }
    }
    await this.flush();
    return { queued: this.state.entries.filter((e) => e.state === 'queued'), interrupted };
  }

  /** True when this id is already queued, running, or was finished recently. */
  has(id: string): boolean {
    return this.state.doneIds.includes(id) || this.state.entries.some((e) => e.inbound.id === id && e.state !== 'interrupted');
  }

  find(id: string): InboxEntry | undefined {
    return this.state.entries.find((e) => e.inbound.id === id);
  }

  async add(inbound: Inbound): Promise<InboxEntry> {
    const entry: InboxEntry = { inbound, state: 'queued', turnId: null, updatedAt: new Date().toISOString() };
    this.state.entries.push(entry);
    await this.flush();
    return entry;
  }

  async markRunning(id: string, turnId: string): Promise<void> {
    const entry = this.find(id);
    if (!entry) return;
    entry.turnId = turnId;
    await this.setState(id, 'running');
  }

  /** A turn stopped by the host before its CLI started: it runs again after the next start. */
  async requeue(id: string): Promise<void> {
    await this.setState(id, 'queued');
  }

  /** A turn cut off before it finished: kept for the Retry button. */
  async markInterrupted(id: string): Promise<void> {
    await this.setState(id, 'interrupted');
  }

  private async setState(id: string, state: InboxEntry['state']): Promise<void> {
    const entry = this.find(id);
    if (!entry) return;
    entry.state = state;
    entry.updatedAt = new Date().toISOString();
    await this.flush();
  }

  /** Removes finished (or cancelled) entries and remembers their ids. */
  async finish(ids: string[]): Promise<void> {
    if (ids.length === 0) return;
    const set = new Set(ids);
    this.state.entries = this.state.entries.filter((e) => !set.has(e.inbound.id));
    this.state.doneIds = [...this.state.doneIds.filter((id) => !set.has(id)), ...ids].slice(-DONE_IDS_KEPT);
    await this.flush();
  }

  private flush(): Promise<void> {
    const snapshot = structuredClone(this.state);
    return this.writes.run(() => this.store.write(snapshot));
  }
}
