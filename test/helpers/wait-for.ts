// Polls a condition until it holds or a deadline passes: tests wait on facts, never on bare sleeps.
import { setTimeout as sleep } from 'node:timers/promises';
import { scaled } from './machine-speed.js';

export interface WaitForOptions {
  /** Give up after this many milliseconds on the quiet reference machine (scaled to this one's speed). Default 5000. */
  timeoutMs?: number;
  /** Re-check every this many milliseconds. Default 10. */
  intervalMs?: number;
  /** Named in the timeout error so a failing test says what it was waiting for. */
  message?: string;
}

/** Resolves with the first truthy value `fn` returns; rejects once `timeoutMs` has passed. */
export async function waitFor<T>(
  fn: () => T | Promise<T>,
  options: WaitForOptions = {},
): Promise<NonNullable<T>> {
  const timeoutMs = scaled(options.timeoutMs ?? 5_000);
  const intervalMs = options.intervalMs ?? 10;
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown;
  for (;;) {
    try {
      const value = await fn();
      if (value) return value as NonNullable<T>;
      lastError = undefined;
    } catch (error) {
      // A throwing condition (e.g. an assertion) counts as "not yet"; its error is reported on timeout.
      lastError = error;
    }
    if (Date.now() >= deadline) {
      const what = options.message ?? 'condition';
      throw new Error(`waitFor: ${what} not met within ${timeoutMs} ms`, { cause: lastError });
    }
    await sleep(intervalMs);
  }
}
