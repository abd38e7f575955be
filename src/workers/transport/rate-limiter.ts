// Telegram's flood limits as sliding windows: per chat (private ~1/s, groups ~20/min) and per bot (~30/s).
//
// Why not node-telegram-bot-api's `rateLimit` option: it is a token bucket per chat in requests per
// second, the same rate for every chat. Set to Telegram's 1/s for private chats it lets a group
// take 60 calls a minute where Telegram allows 20, so a group's 21st message within a minute gets a
// 429; set to 20/min it slows private chats to one message every 3 s. Ours knows the chat kind and
// keeps the per-minute window ('the limiter spaces calls per chat kind and shares one global budget'
// in test/transport/outbox.test.ts), and edits that replace queued edits of the same message need
// the outbox's queue in front of it anyway.
import { setTimeout as sleep } from 'node:timers/promises';

export type ChatKind = 'private' | 'group';

export interface RateLimits {
  /** Minimum gap between two calls into one private chat. */
  privateIntervalMs: number;
  /** Minimum gap between two calls into one group, even with budget left. */
  groupIntervalMs: number;
  /** Calls into one group per rolling minute. */
  groupPerMinute: number;
  /** Calls across all chats of one bot per rolling second. */
  globalPerSecond: number;
}

/**
 * The published limits plus a small margin: a call is timed when it leaves, Telegram counts when it
 * arrives, and network jitter must not turn an on-budget call into a 429.
 */
export const DEFAULT_RATE_LIMITS: RateLimits = {
  privateIntervalMs: 1_050,
  groupIntervalMs: 1_050,
  groupPerMinute: 20,
  globalPerSecond: 30,
};
const MARGIN_MS = 50;
const MINUTE_MS = 60_000;
const SECOND_MS = 1_000;

interface ChatWindow {
  kind: ChatKind;
  /** Send times within the last minute, oldest first. */
  times: number[];
  blockedUntil: number;
}

/** Shared by every outbox of one bot, so the global budget covers all its chats. */
export class RateLimiter {
  readonly limits: RateLimits;
  readonly #now: () => number;
  readonly #chats = new Map<string, ChatWindow>();
  #global: number[] = [];
  #globalBlockedUntil = 0;
  #lastSweep = 0;

  constructor(limits: Partial<RateLimits> = {}, now: () => number = Date.now) {
    this.limits = { ...DEFAULT_RATE_LIMITS, ...limits };
    this.#now = now;
  }

  /** Milliseconds until a call into `chatKey` fits every budget (0 = now). */
  delayMs(chatKey: string, kind: ChatKind): number {
    const now = this.#now();
    this.#prune(now);
    let wait = this.#globalBlockedUntil - now;
    if (this.#global.length >= this.limits.globalPerSecond) {
      const oldest = this.#global[this.#global.length - this.limits.globalPerSecond] ?? now;
      wait = Math.max(wait, oldest + SECOND_MS + MARGIN_MS - now);
    }
    const chat = this.#chats.get(chatKey);
    if (chat) {
      wait = Math.max(wait, chat.blockedUntil - now);
      const last = chat.times[chat.times.length - 1];
      if (last !== undefined) {
        wait = Math.max(wait, last + (kind === 'private' ? this.limits.privateIntervalMs : this.limits.groupIntervalMs) - now);
      }
      if (kind === 'group' && chat.times.length >= this.limits.groupPerMinute) {
        const oldest = chat.times[chat.times.length - this.limits.groupPerMinute] ?? now;
        wait = Math.max(wait, oldest + MINUTE_MS + MARGIN_MS - now);
      }
    }
    return Math.max(0, wait);
  }

  /** Counts one call into `chatKey` as made now. */
  record(chatKey: string, kind: ChatKind): void {
    const now = this.#now();
    let chat = this.#chats.get(chatKey);
    if (!chat) {
      chat = { kind, times: [], blockedUntil: 0 };
      this.#chats.set(chatKey, chat);
    }
    chat.kind = kind;
    chat.times.push(now);
    this.#global.push(now);
  }

  /** Telegram answered 429: nothing goes to that chat (or, without a chat, anywhere) for `ms`. */
  penalize(chatKey: string | undefined, ms: number): void {
    const until = this.#now() + ms;
    if (chatKey === undefined) {
      this.#globalBlockedUntil = Math.max(this.#globalBlockedUntil, until);
      return;
    }
    const chat = this.#chats.get(chatKey) ?? { kind: 'private' as const, times: [], blockedUntil: 0 };
    chat.blockedUntil = Math.max(chat.blockedUntil, until);
    this.#chats.set(chatKey, chat);
  }

  /**
   * Waits until a call fits, then records it. Call the returned function when the request has
   * finished: its stamp moves to that moment. Telegram counts a call when it arrives, somewhere
   * between our start and the answer, so spacing from the answer can never look too close to it.
   * Rejects only when `signal` aborts.
   */
  async acquire(chatKey: string, kind: ChatKind, signal?: AbortSignal): Promise<() => void> {
    for (;;) {
      const wait = this.delayMs(chatKey, kind);
      if (wait <= 0) {
        const stamp = this.#now();
        this.record(chatKey, kind);
        return () => this.#restamp(chatKey, stamp);
      }
      await sleep(wait, undefined, { signal });
    }
  }

  #restamp(chatKey: string, stamp: number): void {
    const now = this.#now();
    const move = (times: number[]): void => {
      const at = times.lastIndexOf(stamp);
      if (at === -1) return;
      times.splice(at, 1);
      times.push(now);
    };
    move(this.#global);
    const chat = this.#chats.get(chatKey);
    if (chat) move(chat.times);
  }

  /** Chats currently tracked (memory stays bounded by the chats active in the last minute). */
  get trackedChats(): number {
    return this.#chats.size;
  }

  #prune(now: number): void {
    while (this.#global.length > 0 && now - (this.#global[0] ?? now) >= SECOND_MS + MARGIN_MS) this.#global.shift();
    // Old per-chat stamps never shorten a wait (only recent ones count), so sweeping once a second is enough.
    if (now - this.#lastSweep < SECOND_MS) return;
    this.#lastSweep = now;
    for (const [key, chat] of this.#chats) {
      while (chat.times.length > 0 && now - (chat.times[0] ?? now) >= MINUTE_MS + MARGIN_MS) chat.times.shift();
      if (chat.times.length === 0 && chat.blockedUntil <= now) this.#chats.delete(key);
    }
  }
}
