/**
 * One turn at a time per chat/topic. Messages that arrive meanwhile wait in order; `/stop` aborts
 * the running turn and drops the waiting ones, `/interrupt` aborts only the running turn. A stop of
 * the host holds the queue (nothing waiting starts) and interrupts what runs: those turns are not
 * the user's to see as stopped, they are kept for the next start.
 */

/** The abort reason of a turn the host stopped (a stop, a restart, a lost supervisor). */
export class TurnInterrupted extends Error {
  constructor(reason: string) {
    super(reason);
    this.name = 'TurnInterrupted';
  }
}

export function isInterruption(reason: unknown): boolean {
  return reason instanceof TurnInterrupted;
}

export type QueuedWork = { id: string; run: (signal: AbortSignal) => Promise<void> };

type Lane = { running: { id: string; controller: AbortController } | null; waiting: QueuedWork[] };

export class ChatQueue {
  private readonly lanes = new Map<string, Lane>();
  private held = false;

  constructor(private readonly onError: (error: unknown, id: string) => void) {}

  /** Adds work to the chat's lane; returns how many items are ahead of it (0 = starts now). */
  push(laneKey: string, work: QueuedWork): number {
    const lane = this.lane(laneKey);
    const ahead = lane.waiting.length + (lane.running ? 1 : 0);
    lane.waiting.push(work);
    if (!lane.running) this.next(laneKey, lane);
    return ahead;
  }

  isBusy(laneKey: string): boolean {
    return Boolean(this.lanes.get(laneKey)?.running);
  }

  /** Removes one waiting item; false when it already started or is unknown. */
  cancelWaiting(laneKey: string, id: string): boolean {
    const lane = this.lanes.get(laneKey);
    if (!lane) return false;
    const index = lane.waiting.findIndex((w) => w.id === id);
    if (index < 0) return false;
    lane.waiting.splice(index, 1);
    return true;
  }

  /** `/interrupt`: aborts the running turn; the waiting ones continue. Returns whether one ran. */
  abortRunning(laneKey: string, reason: string): boolean {
    const running = this.lanes.get(laneKey)?.running;
    if (!running) return false;
    running.controller.abort(new Error(reason));
    return true;
  }

  /** `/stop`: aborts the running turn and drops everything waiting. Returns the dropped ids. */
  stop(laneKey: string, reason: string): { aborted: boolean; dropped: string[] } {
    const lane = this.lanes.get(laneKey);
    if (!lane) return { aborted: false, dropped: [] };
    const dropped = lane.waiting.splice(0).map((w) => w.id);
    return { aborted: this.abortRunning(laneKey, reason), dropped };
  }

  /** Every lane with something running or waiting. */
  activeLanes(): string[] {
    return [...this.lanes.entries()].filter(([, l]) => l.running || l.waiting.length > 0).map(([k]) => k);
  }

  /** Aborts everything (shutdown, `/stop_all`); returns how many turns were running. */
  stopAll(reason: string): { aborted: number; dropped: string[] } {
    let aborted = 0;
    const dropped: string[] = [];
    for (const key of this.lanes.keys()) {
      const result = this.stop(key, reason);
      if (result.aborted) aborted += 1;
      dropped.push(...result.dropped);
    }
    return { aborted, dropped };
  }

  /** Nothing waiting starts from now on; what waits stays queued in the journal for the next start. */
  hold(): void {
    this.held = true;
  }

  /** Aborts every running turn as interrupted by the host; returns how many there were. */
  interruptRunning(reason: string): number {
    let count = 0;
    for (const lane of this.lanes.values()) {
      if (!lane.running) continue;
      lane.running.controller.abort(new TurnInterrupted(reason));
      count += 1;
    }
    return count;
  }

  /** Resolves when no lane has a running turn (used by an orderly shutdown). */
  async idle(): Promise<void> {
    while ([...this.lanes.values()].some((l) => l.running)) await new Promise((r) => setTimeout(r, 10));
  }

  private lane(key: string): Lane {
    let lane = this.lanes.get(key);
    if (!lane) {
      lane = { running: null, waiting: [] };
      this.lanes.set(key, lane);
    }
    return lane;
  }

  private next(key: string, lane: Lane): void {
    if (this.held) return;
    const work = lane.waiting.shift();
    if (!work) {
      this.lanes.delete(key);
      return;
    }
    const controller = new AbortController();
    lane.running = { id: work.id, controller };
    work
      .run(controller.signal)
      .catch((error: unknown) => this.onError(error, work.id))
      .finally(() => {
        lane.running = null;
        this.next(key, lane);
      });
  }
}
