/**
 * A network call retried with exponential backoff (1 s doubling up to 30 s) until it succeeds, the
 * transport stops, or the network refuses for good (a rejected token or login): then a clear log
 * line names what to fix and the caller gets null.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import type { Logger } from '../../shared/log/logger.js';

const FIRST_DELAY_MS = 1_000;
const MAX_DELAY_MS = 30_000;

export type RetryOptions<T> = {
  call: () => Promise<T>;
  /** Names the call in the log ("getMe", "Matrix login"). */
  what: string;
  signal: AbortSignal;
  log: Logger;
  /** A refusal that retrying cannot fix: the log line (fields and message) to end with; null retries. */
  final: (error: unknown) => { fields: Record<string, unknown>; message: string } | null;
};

export async function retryWithBackoff<T>(options: RetryOptions<T>): Promise<T | null> {
  let delayMs = FIRST_DELAY_MS;
  while (!options.signal.aborted) {
    try {
      return await options.call();
    } catch (error) {
      const final = options.final(error);
      if (final) {
        options.log.error(final.fields, final.message);
        return null;
      }
      options.log.warn({ err: error, delayMs }, `${options.what} failed; retrying`);
      await sleep(delayMs, undefined, { signal: options.signal }).catch(() => undefined);
      delayMs = Math.min(delayMs * 2, MAX_DELAY_MS);
    }
  }
  return null;
}
