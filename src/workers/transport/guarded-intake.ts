/**
 * Handling one incoming event that no server will hand back again (a Matrix sync moves on once
 * it delivered an event): a malformed event is set aside at once; while the agent is away
 * (down, restarting, slow) the event is retried in place, in order, for as long as it takes;
 * an event that fails for any other reason is tried `maxAttempts` times and then set aside.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { describeError } from '../../shared/errors.js';
import type { Logger } from '../../shared/log/logger.js';
import { isTransientFailure } from './transient-failure.js';

export type GuardedIntakeOptions = {
  /** Stopping ends a wait; the event is then neither handled nor set aside. */
  signal: AbortSignal;
  log: Logger;
  /** Names the client in log lines. */
  client: string;
  onQuarantine: (poison: { id: string; reason: string; update: unknown }) => void | Promise<void>;
  /** Non-transient failures before the event is set aside (default 3). */
  maxAttempts?: number;
  backoffInitialMs?: number;
  backoffMaxMs?: number;
  isTransient?: (error: unknown) => boolean;
};

export type IntakeItem = {
  id: string;
  /** As received; kept in the quarantine file. */
  raw: unknown;
  /** Why the event cannot be read (from its schema check), or null. */
  malformed: string | null;
};

export async function handleGuarded(options: GuardedIntakeOptions, item: IntakeItem, handle: () => Promise<void>): Promise<void> {
  const { log, client, signal } = options;
  if (item.malformed !== null) return setAside(options, item, `malformed event: ${item.malformed}`);
  const maxAttempts = options.maxAttempts ?? 3;
  const maxDelay = options.backoffMaxMs ?? 30_000;
  let delayMs = options.backoffInitialMs ?? 1_000;
  let attempts = 0;
  for (;;) {
    try {
      await handle();
      return;
    } catch (error) {
      if (signal.aborted) return;
      if ((options.isTransient ?? isTransientFailure)(error)) {
        log.warn({ client, id: item.id, err: describeError(error), delayMs }, 'event kept and retried: a transient failure');
      } else if (++attempts >= maxAttempts) {
        return setAside(options, item, `failed ${attempts} times: ${describeError(error)}`);
      } else {
        log.warn({ client, id: item.id, attempts, maxAttempts, err: describeError(error) }, 'event failed; it will be tried again');
      }
    }
    const waited = await sleep(delayMs, true, { signal }).catch(() => false);
    if (!waited) return;
    delayMs = Math.min(delayMs * 2, maxDelay);
  }
}

async function setAside(options: GuardedIntakeOptions, item: IntakeItem, reason: string): Promise<void> {
  options.log.warn({ client: options.client, id: item.id, reason }, 'event set aside (quarantined); intake moves on');
  try {
    await options.onQuarantine({ id: item.id, reason, update: item.raw });
  } catch (error) {
    options.log.error({ client: options.client, id: item.id, err: describeError(error) }, 'could not record the event set aside');
  }
}
