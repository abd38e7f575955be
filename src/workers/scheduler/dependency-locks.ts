/**
 * Named FIFO locks: cron jobs and webhook `cron_task` runs that share a `dependency`
 * run one at a time, in the order they asked.
 */

export type Release = () => void;

interface Waiter {
  grant: () => void;
}

export class DependencyLocks {
  /** name → queue; the head holds the lock. A name with no queue is free. */
  private readonly queues = new Map<string, Waiter[]>();

  /**
   * Resolves with a release function once `name` is ours. A null/empty name means "no lock".
   * If `signal` aborts while waiting, the waiter leaves the queue and the promise rejects.
   */
  acquire(name: string | null | undefined, signal?: AbortSignal): Promise<Release> {
    if (name == null || name === '') return Promise.resolve(() => undefined);
    signal?.throwIfAborted();
    return new Promise<Release>((resolve, reject) => {
      let queue = this.queues.get(name);
      if (!queue) {
        queue = [];
        this.queues.set(name, queue);
      }
      const onAbort = () => {
        const q = this.queues.get(name);
        const index = q ? q.indexOf(waiter) : -1;
        // Only a waiter that never got the lock leaves here; a holder releases through its function.
        if (q && index > 0) {
          q.splice(index, 1);
          reject(signal?.reason ?? new Error('aborted'));
        }
      };
      const waiter: Waiter = {
        grant: () => {
          signal?.removeEventListener('abort', onAbort);
          resolve(this.releaserFor(name, waiter));
        },
      };
      queue.push(waiter);
      if (queue.length === 1) waiter.grant();
      else signal?.addEventListener('abort', onAbort, { once: true });
    });
  }

  /** Runs `fn` while holding `name`. */
  async run<T>(name: string | null | undefined, fn: () => Promise<T>, signal?: AbortSignal): Promise<T> {
    const release = await this.acquire(name, signal);
    try {
      return await fn();
    } finally {
      release();
    }
  }

  /** True while someone holds `name`. */
  isHeld(name: string): boolean {
    return (this.queues.get(name)?.length ?? 0) > 0;
  }

  /** How many are waiting for `name` (not counting the holder). */
  waitingFor(name: string): number {
    return Math.max(0, (this.queues.get(name)?.length ?? 0) - 1);
  }

  private releaserFor(name: string, waiter: Waiter): Release {
    let released = false;
    return () => {
      if (released) return; // a second call must not hand the lock on twice
      released = true;
      const queue = this.queues.get(name);
      if (!queue || queue[0] !== waiter) return;
      queue.shift();
      const next = queue[0];
      if (next) next.grant();
      else this.queues.delete(name);
    };
  }
}
