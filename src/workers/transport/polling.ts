// Long polling for one bot: owns the update offset and advances it only after the handler has taken the batch.
//
// Why not node-telegram-bot-api's own `longPoll`: it yields one update at a time and moves its
// offset past an update as soon as the loop asks for the next one, with no way to read the offset
// out to persist it; a handler that throws ends the `for await` and with it the polling, where
// ours keeps the offset and fetches the same updates again ('a handler that throws gets the same
// update again' in test/transport/polling.test.ts). It also has no watchdog for a getUpdates that
// never completes ('the watchdog aborts a getUpdates that stopped completing…'), and media groups
// need the whole batch at once.
import { setTimeout as sleep } from 'node:timers/promises';
import { DuctorError, describeError } from '../../shared/errors.js';
import {
  TelegramApiError,
  type GetUpdatesOptions,
  type TransportLog,
  type Update,
} from './telegram-bot.js';
import { isTransientFailure } from './transient-failure.js';
import { malformedUpdateReason } from './update-schema.js';

/** Seconds Telegram holds a getUpdates open when nothing arrives. */
const DEFAULT_POLL_TIMEOUT_S = 30;
/** A getUpdates that has not completed this long after its own timeout is considered stuck. */
const DEFAULT_WATCHDOG_GRACE_MS = 5_000;
const DEFAULT_BACKOFF_INITIAL_MS = 1_000;
const DEFAULT_BACKOFF_MAX_MS = 30_000;
/** Times one update may fail on its own (not transiently) before it is set aside. */
const DEFAULT_MAX_ATTEMPTS = 5;

/** The part of TelegramBot the poller uses. */
export interface UpdateSource {
  getUpdates(options: GetUpdatesOptions, signal?: AbortSignal): Promise<Update[]>;
}

/** Polling stopped for good: the token is wrong (401) or someone else polls it (409). The message says what to do. */
export class PollingFatalError extends DuctorError {
  constructor(
    readonly errorCode: number,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(errorCode === 401 ? 'TELEGRAM_UNAUTHORIZED' : 'TELEGRAM_CONFLICT', message, options);
    this.name = 'PollingFatalError';
  }
}

/** An update that was set aside: malformed, or its handling failed `maxAttempts` times. */
export interface PoisonUpdate {
  updateId: number;
  reason: string;
  /** As Telegram sent it. */
  update: unknown;
}

export interface PollingOptions {
  source: UpdateSource;
  /** Handles one batch; resolve only once every update is safely taken (journalled, acknowledged). */
  handleUpdates: (updates: Update[], signal: AbortSignal) => Promise<void>;
  /**
   * Called once for each update set aside; the offset then moves past it. Its errors are logged,
   * never retried: a quarantine that cannot be written must not stall the bot again.
   */
  onQuarantine?: (poison: PoisonUpdate) => void | Promise<void>;
  /** Non-transient failures of one update before it is set aside (default 5). */
  maxAttempts?: number;
  /** True for failures that say nothing about the update (agent down, slow, restarting); default isTransientFailure. */
  isTransient?: (error: unknown) => boolean;
  /** Called once when polling stops on 401/409. */
  onFatal?: (error: PollingFatalError) => void;
  /** Called after each advance, so the owner can persist the offset. */
  onOffset?: (offset: number) => void;
  allowedUpdates?: readonly string[];
  /** Resume from a persisted offset. */
  initialOffset?: number;
  timeoutSeconds?: number;
  limit?: number;
  watchdogGraceMs?: number;
  backoffInitialMs?: number;
  backoffMaxMs?: number;
  /** Names the bot in log lines and fatal messages (never the token). */
  botLabel?: string;
  log?: TransportLog;
}

export type PollingOutcome = { reason: 'aborted' } | { reason: 'fatal'; error: PollingFatalError };

export interface PollingStats {
  offset: number | undefined;
  /** getUpdates requests the watchdog had to abort. */
  watchdogRestarts: number;
  /** Batches whose handler threw; their updates were fetched again or handled one at a time. */
  handlerFailures: number;
  /** Updates set aside (malformed or failing every time). */
  quarantined: number;
}

/** Marks an abort done by the watchdog, as opposed to the caller stopping us. */
class WatchdogTimeout extends Error {}

/**
 * Polls until `signal` aborts (→ `{ reason: 'aborted' }`) or Telegram says the bot cannot poll
 * (→ `{ reason: 'fatal' }`, after `onFatal`). Never rejects for Telegram or network trouble.
 */
export class UpdatePoller {
  readonly #options: PollingOptions;
  #offset: number | undefined;
  #watchdogRestarts = 0;
  #handlerFailures = 0;
  #quarantined = 0;
  /** Non-transient failures per update id, while that update is still ahead of the offset. */
  readonly #attempts = new Map<number, number>();
  /** Updates already set aside that Telegram may still hand back (a later batch failed transiently). */
  readonly #setAside = new Set<number>();

  constructor(options: PollingOptions) {
    this.#options = options;
    this.#offset = options.initialOffset;
  }

  get stats(): PollingStats {
    return { offset: this.#offset, watchdogRestarts: this.#watchdogRestarts, handlerFailures: this.#handlerFailures, quarantined: this.#quarantined };
  }

  async run(signal: AbortSignal): Promise<PollingOutcome> {
    const o = this.#options;
    const timeoutS = o.timeoutSeconds ?? DEFAULT_POLL_TIMEOUT_S;
    const graceMs = o.watchdogGraceMs ?? DEFAULT_WATCHDOG_GRACE_MS;
    const initialBackoff = o.backoffInitialMs ?? DEFAULT_BACKOFF_INITIAL_MS;
    const maxBackoff = o.backoffMaxMs ?? DEFAULT_BACKOFF_MAX_MS;
    const bot = o.botLabel ?? 'bot';
    let backoffMs = initialBackoff;
    const backOff = async (): Promise<boolean> => {
      const waitMs = backoffMs;
      backoffMs = Math.min(backoffMs * 2, maxBackoff);
      return this.#pause(waitMs, signal);
    };

    while (!signal.aborted) {
      let updates: Update[];
      try {
        updates = await this.#fetch(timeoutS, graceMs, signal);
      } catch (error) {
        if (signal.aborted) break;
        if (error instanceof WatchdogTimeout) {
          this.#watchdogRestarts++;
          o.log?.warn({ bot, graceMs, timeoutS }, 'getUpdates stopped completing; restarting the request');
          continue;
        }
        if (error instanceof TelegramApiError && error.isFatal) {
          const fatal = fatalFor(error, bot);
          o.log?.error({ bot, code: error.errorCode }, fatal.message);
          o.onFatal?.(fatal);
          return { reason: 'fatal', error: fatal };
        }
        if (error instanceof TelegramApiError && error.errorCode === 429) {
          const waitMs = (error.retryAfter ?? 1) * 1000;
          o.log?.warn({ bot, retryAfterS: error.retryAfter }, 'getUpdates rate limited; waiting retry_after');
          if (!(await this.#pause(waitMs, signal))) break;
          continue;
        }
        o.log?.warn({ bot, err: error instanceof Error ? error.message : String(error), backoffMs }, 'getUpdates failed; backing off');
        if (!(await backOff())) break;
        continue;
      }
      backoffMs = initialBackoff;
      if (updates.length === 0) continue;
      const readable: Update[] = [];
      for (const update of updates) {
        if (this.#setAside.has(update.update_id)) continue;
        const malformed = malformedUpdateReason(update);
        if (malformed === null) readable.push(update);
        else await this.#quarantine(update, `malformed update: ${malformed}`, bot);
      }
      const stoppedAt = await this.#handleBatch(readable, signal, bot);
      if (signal.aborted) break;
      if (stoppedAt) {
        // The updates before it are confirmed; it and the rest come again on the next request.
        if (this.#offset === undefined || stoppedAt.update_id > this.#offset) this.#advance(stoppedAt.update_id);
        if (!(await backOff())) break;
        continue;
      }
      // Telegram numbers updates in ascending order; the offset confirms everything below it.
      this.#advance(maxUpdateId(updates) + 1);
    }
    return { reason: 'aborted' };
  }

  /**
   * Hands the readable updates to the handler. Returns the update polling must fetch again from,
   * or null when all were handled or set aside. A transient failure keeps the whole batch; any
   * other failure, or a batch holding an update that failed before, goes one update at a time.
   */
  async #handleBatch(readable: Update[], signal: AbortSignal, bot: string): Promise<Update | null> {
    const o = this.#options;
    if (readable.length === 0) return null;
    if (readable.some((update) => this.#attempts.has(update.update_id))) return this.#oneByOne(readable, signal, bot);
    try {
      await o.handleUpdates(readable, signal);
      return null;
    } catch (error) {
      if (signal.aborted) return readable[0]!;
      this.#handlerFailures++;
      const transient = (o.isTransient ?? isTransientFailure)(error);
      o.log?.error(
        { bot, err: describeError(error), first: readable[0]?.update_id },
        transient ? 'update handler failed; the batch will be fetched again' : 'update handler failed; handling the batch one update at a time',
      );
      return transient ? readable[0]! : this.#oneByOne(readable, signal, bot);
    }
  }

  /** Moves the offset and forgets what is known about the updates below it. */
  #advance(offset: number): void {
    if (!Number.isFinite(offset)) return;
    this.#offset = offset;
    for (const id of this.#attempts.keys()) if (id < offset) this.#attempts.delete(id);
    for (const id of this.#setAside) if (id < offset) this.#setAside.delete(id);
    this.#options.onOffset?.(offset);
  }

  /**
   * After a batch failed for a reason that is not transient: each update alone, in order, so the
   * one that fails is known and the others still go through. Returns the update to fetch again
   * from (a transient failure, or one more attempt left), or null when every update was handled
   * or set aside.
   */
  async #oneByOne(updates: Update[], signal: AbortSignal, bot: string): Promise<Update | null> {
    const o = this.#options;
    const maxAttempts = o.maxAttempts ?? DEFAULT_MAX_ATTEMPTS;
    for (const update of updates) {
      try {
        await o.handleUpdates([update], signal);
        this.#attempts.delete(update.update_id);
      } catch (error) {
        if (signal.aborted) return update;
        if ((o.isTransient ?? isTransientFailure)(error)) {
          o.log?.warn({ bot, updateId: update.update_id, err: describeError(error) }, 'update kept for redelivery: a transient failure');
          return update;
        }
        const attempts = (this.#attempts.get(update.update_id) ?? 0) + 1;
        this.#attempts.set(update.update_id, attempts);
        if (attempts < maxAttempts) {
          o.log?.warn({ bot, updateId: update.update_id, attempts, maxAttempts, err: describeError(error) }, 'update failed; it will be tried again');
          return update;
        }
        await this.#quarantine(update, `failed ${attempts} times: ${describeError(error)}`, bot);
      }
    }
    return null;
  }

  /** Sets an update aside once: logged with its id, handed to onQuarantine, never handled again. */
  async #quarantine(update: Update, reason: string, bot: string): Promise<void> {
    const updateId = (update as { update_id?: unknown }).update_id;
    if (typeof updateId !== 'number' || this.#setAside.has(updateId)) return;
    this.#setAside.add(updateId);
    this.#attempts.delete(updateId);
    this.#quarantined++;
    this.#options.log?.warn({ bot, updateId, reason }, 'update set aside (quarantined); polling moves on');
    try {
      await this.#options.onQuarantine?.({ updateId, reason, update });
    } catch (error) {
      this.#options.log?.error({ bot, updateId, err: describeError(error) }, 'could not record the update set aside');
    }
  }

  /** One getUpdates, raced against a watchdog that aborts it when it outlives its own timeout by `graceMs`. */
  async #fetch(timeoutS: number, graceMs: number, signal: AbortSignal): Promise<Update[]> {
    const controller = new AbortController();
    const onAbort = (): void => controller.abort(signal.reason);
    signal.addEventListener('abort', onAbort, { once: true });
    const watchdog = setTimeout(() => controller.abort(new WatchdogTimeout('getUpdates watchdog')), timeoutS * 1000 + graceMs);
    watchdog.unref();
    try {
      return await this.#options.source.getUpdates(
        { offset: this.#offset, timeout: timeoutS, limit: this.#options.limit, allowedUpdates: this.#options.allowedUpdates },
        controller.signal,
      );
    } catch (error) {
      if (controller.signal.reason instanceof WatchdogTimeout && !signal.aborted) throw controller.signal.reason;
      throw error;
    } finally {
      clearTimeout(watchdog);
      signal.removeEventListener('abort', onAbort);
    }
  }

  /** Waits `ms`; false when the signal aborted meanwhile. */
  async #pause(ms: number, signal: AbortSignal): Promise<boolean> {
    try {
      await sleep(ms, undefined, { signal });
      return true;
    } catch {
      // Only the abort rejects this sleep; the caller stops the loop.
      return false;
    }
  }
}

/** The highest integer update_id of a batch (-Infinity when none has one). */
function maxUpdateId(updates: readonly Update[]): number {
  let max = -Infinity;
  for (const update of updates) {
    const id = (update as { update_id?: unknown }).update_id;
    if (typeof id === 'number' && Number.isInteger(id) && id > max) max = id;
  }
  return max;
}

function fatalFor(error: TelegramApiError, bot: string): PollingFatalError {
  const message =
    error.errorCode === 401
      ? `Telegram rejected the token of ${bot} (401 Unauthorized). Check "telegram_token" in config.json ` +
        '(BotFather shows the current token; /revoke issues a new one), then restart ductor.'
      : `Telegram refused to deliver updates to ${bot} (409 Conflict: ${error.description}). Another process is polling ` +
        'this token or a webhook is set. Stop the other bot instance (or delete the webhook), then restart ductor.';
  return new PollingFatalError(error.errorCode, message, { cause: error });
}
