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
import { DuctorError } from '../../shared/errors.js';
import {
  TelegramApiError,
  type GetUpdatesOptions,
  type TransportLog,
  type Update,
} from './telegram-bot.js';

/** Seconds Telegram holds a getUpdates open when nothing arrives. */
const DEFAULT_POLL_TIMEOUT_S = 30;
/** A getUpdates that has not completed this long after its own timeout is considered stuck. */
const DEFAULT_WATCHDOG_GRACE_MS = 5_000;
const DEFAULT_BACKOFF_INITIAL_MS = 1_000;
const DEFAULT_BACKOFF_MAX_MS = 30_000;

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

export interface PollingOptions {
  source: UpdateSource;
  /** Handles one batch; resolve only once every update is safely taken (journalled, acknowledged). */
  handleUpdates: (updates: Update[], signal: AbortSignal) => Promise<void>;
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
  /** Batches whose handler threw; their updates were fetched again. */
  handlerFailures: number;
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

  constructor(options: PollingOptions) {
    this.#options = options;
    this.#offset = options.initialOffset;
  }

  get stats(): PollingStats {
    return { offset: this.#offset, watchdogRestarts: this.#watchdogRestarts, handlerFailures: this.#handlerFailures };
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
      try {
        await o.handleUpdates(updates, signal);
      } catch (error) {
        if (signal.aborted) break;
        // The offset stays put, so Telegram hands the same updates back on the next request.
        this.#handlerFailures++;
        o.log?.error(
          { bot, err: error instanceof Error ? error.message : String(error), first: updates[0]?.update_id },
          'update handler failed; the batch will be fetched again',
        );
        if (!(await backOff())) break;
        continue;
      }
      const last = updates[updates.length - 1];
      if (last) {
        this.#offset = last.update_id + 1;
        o.onOffset?.(this.#offset);
      }
    }
    return { reason: 'aborted' };
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

function fatalFor(error: TelegramApiError, bot: string): PollingFatalError {
  const message =
    error.errorCode === 401
      ? `Telegram rejected the token of ${bot} (401 Unauthorized). Check "telegram_token" in config.json ` +
        '(BotFather shows the current token; /revoke issues a new one), then restart ductor.'
      : `Telegram refused to deliver updates to ${bot} (409 Conflict: ${error.description}). Another process is polling ` +
        'this token or a webhook is set. Stop the other bot instance (or delete the webhook), then restart ductor.';
  return new PollingFatalError(error.errorCode, message, { cause: error });
}
