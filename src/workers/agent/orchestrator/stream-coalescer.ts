/**
 * Batches a turn's progress events before they cross IPC: adjacent text deltas are merged and a
 * batch leaves at most FLUSH_MS after its first event, so IPC carries a few messages per second
 * per turn while the delay a user could notice stays far below the transport's edit interval.
 */
import type { StreamEvent } from '../../../shared/rpc/conversation-schemas.js';

/** Longest time an event waits in the batch (ms). */
export const FLUSH_MS = 8;

export class StreamCoalescer {
  private batch: StreamEvent[] = [];
  private timer: NodeJS.Timeout | null = null;

  constructor(private readonly send: (events: StreamEvent[]) => void) {}

  push(event: StreamEvent): void {
    const last = this.batch.at(-1);
    if (event.kind === 'text' && last?.kind === 'text') last.text += event.text;
    else this.batch.push(event.kind === 'text' ? { ...event } : event);
    this.timer ??= setTimeout(() => this.flush(), FLUSH_MS);
  }

  /** Sends what is batched now (before the final answer, so order is kept). */
  flush(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    if (this.batch.length === 0) return;
    const events = this.batch;
    this.batch = [];
    this.send(events);
  }
}
