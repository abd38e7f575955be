// One ordered outbox per chat: paces sends and edits within Telegram's budgets, merges stale edits, never drops text.
import { setTimeout as sleep } from 'node:timers/promises';
import { DuctorError } from '../../shared/errors.js';
import { htmlToPlainText } from './markdown-to-html.js';
import { RateLimiter, type ChatKind } from './rate-limiter.js';
import {
  TelegramApiError,
  TelegramNetworkError,
  isMessageGoneError,
  isNotModifiedError,
  isParseEntitiesError,
  type ChatId,
  type InlineKeyboardMarkup,
  type TelegramSender,
  type TransportLog,
} from './telegram-bot.js';

/** Attempts per item for network failures and 429s before its promise rejects. */
const DEFAULT_MAX_ATTEMPTS = 6;
const NETWORK_BACKOFF_MS = 250;
const NETWORK_BACKOFF_MAX_MS = 8_000;

export interface SendRequest {
  text: string;
  parseMode?: 'HTML';
  threadId?: number;
  replyToMessageId?: number;
  replyMarkup?: InlineKeyboardMarkup;
  /** Shown instead when Telegram refuses the HTML. Default: the HTML with tags removed. */
  plainText?: string;
}

export interface EditRequest {
  messageId: number;
  text: string;
  parseMode?: 'HTML';
  replyMarkup?: InlineKeyboardMarkup;
  plainText?: string;
}

/** `unchanged`: Telegram already showed exactly this. `gone`: the message was deleted. */
export type EditStatus = 'edited' | 'unchanged' | 'gone';

export interface OutboxStats {
  sent: number;
  edited: number;
  /** Queued edits replaced by a newer edit of the same message before they went out. */
  superseded: number;
  /** Items resent as plain text after Telegram refused their HTML. */
  plainFallbacks: number;
  /** 429 answers received (each waited out and retried). */
  rateLimited: number;
}

export class OutboxClosedError extends DuctorError {
  constructor(chatId: ChatId) {
    super('OUTBOX_CLOSED', `outbox of chat ${chatId} was closed before the message went out`);
    this.name = 'OutboxClosedError';
  }
}

interface Settle<T> {
  resolve: (value: T) => void;
  reject: (error: unknown) => void;
}

type Item =
  | { kind: 'send'; request: SendRequest; plain: boolean; attempts: number; settle: Settle<number>[] }
  | { kind: 'edit'; request: EditRequest; plain: boolean; attempts: number; settle: Settle<EditStatus>[] }
  | { kind: 'delete'; messageId: number; attempts: number; settle: Settle<boolean>[] }
  | { kind: 'markup'; messageId: number; markup: InlineKeyboardMarkup | undefined; attempts: number; settle: Settle<boolean>[] };

export interface ChatOutboxOptions {
  sender: TelegramSender;
  limiter: RateLimiter;
  chatId: ChatId;
  /** Default: negative ids are groups, as in Telegram. */
  chatKind?: ChatKind;
  maxAttempts?: number;
  log?: TransportLog;
}

export class ChatOutbox {
  readonly chatId: ChatId;
  readonly stats: OutboxStats = { sent: 0, edited: 0, superseded: 0, plainFallbacks: 0, rateLimited: 0 };
  readonly #options: ChatOutboxOptions;
  readonly #kind: ChatKind;
  readonly #key: string;
  readonly #queue: Item[] = [];
  readonly #closer = new AbortController();
  #pumping: Promise<void> | undefined;
  #idleWaiters: Array<() => void> = [];

  constructor(options: ChatOutboxOptions) {
    this.#options = options;
    this.chatId = options.chatId;
    this.#kind = options.chatKind ?? (Number(options.chatId) < 0 ? 'group' : 'private');
    this.#key = String(options.chatId);
  }

  /** Items waiting (not counting the one in flight). */
  get queued(): number {
    return this.#queue.length;
  }

  get busy(): boolean {
    return this.#pumping !== undefined;
  }

  /** Resolves with the message id once Telegram has the message (as HTML, or as plain text if the HTML was refused). */
  send(request: SendRequest): Promise<number> {
    return this.#enqueue<number>((settle) => ({ kind: 'send', request, plain: false, attempts: 0, settle: [settle] }));
  }

  /** A newer edit of a message still waiting here replaces the older one; both promises settle with the outcome. */
  edit(request: EditRequest): Promise<EditStatus> {
    if (this.#closer.signal.aborted) return Promise.reject(new OutboxClosedError(this.chatId));
    const waiting = this.#queue.find((item) => item.kind === 'edit' && item.request.messageId === request.messageId);
    if (waiting && waiting.kind === 'edit') {
      this.stats.superseded++;
      waiting.request = request;
      waiting.plain = false;
      return new Promise<EditStatus>((resolve, reject) => waiting.settle.push({ resolve, reject }));
    }
    return this.#enqueue<EditStatus>((settle) => ({ kind: 'edit', request, plain: false, attempts: 0, settle: [settle] }));
  }

  /** Resolves false when the message was already gone. */
  delete(messageId: number): Promise<boolean> {
    return this.#enqueue<boolean>((settle) => ({ kind: 'delete', messageId, attempts: 0, settle: [settle] }));
  }

  /** Sets (or with undefined, removes) the inline keyboard of a sent message. */
  setReplyMarkup(messageId: number, markup: InlineKeyboardMarkup | undefined): Promise<boolean> {
    return this.#enqueue<boolean>((settle) => ({ kind: 'markup', messageId, markup, attempts: 0, settle: [settle] }));
  }

  /** Resolves when nothing is queued or in flight. */
  idle(): Promise<void> {
    if (!this.#pumping) return Promise.resolve();
    return new Promise((resolve) => this.#idleWaiters.push(resolve));
  }

  /** Rejects everything still queued; the item in flight finishes or fails on its own. */
  close(): void {
    this.#closer.abort(new OutboxClosedError(this.chatId));
    for (const item of this.#queue.splice(0)) this.#fail(item, new OutboxClosedError(this.chatId));
  }

  #enqueue<T>(make: (settle: Settle<T>) => Item): Promise<T> {
    if (this.#closer.signal.aborted) return Promise.reject(new OutboxClosedError(this.chatId));
    return new Promise<T>((resolve, reject) => {
      this.#queue.push(make({ resolve, reject } as Settle<T>));
      this.#kick();
    });
  }

  #kick(): void {
    if (this.#pumping) return;
    this.#pumping = this.#pump().finally(() => {
      this.#pumping = undefined;
      // An item can arrive after the pump saw an empty queue but before this ran: start again for it.
      if (this.#queue.length > 0 && !this.#closer.signal.aborted) this.#kick();
      else for (const wake of this.#idleWaiters.splice(0)) wake();
    });
  }

  async #pump(): Promise<void> {
    const signal = this.#closer.signal;
    while (this.#queue.length > 0 && !signal.aborted) {
      let done: () => void;
      try {
        // The head stays in the queue while it waits for budget, so a newer edit can still replace it.
        done = await this.#options.limiter.acquire(this.#key, this.#kind, signal);
      } catch {
        // Only close() aborts this wait, and close() has already rejected the queue.
        return;
      }
      const item = this.#queue.shift();
      if (!item) {
        done();
        continue;
      }
      item.attempts++;
      let failure: { error: unknown } | undefined;
      try {
        await this.#run(item, signal);
      } catch (error) {
        failure = { error };
      } finally {
        done();
      }
      if (failure) await this.#recover(item, failure.error, signal);
    }
  }

  async #run(item: Item, signal: AbortSignal): Promise<void> {
    const { sender } = this.#options;
    const chatId = this.chatId;
    switch (item.kind) {
      case 'send': {
        const r = item.request;
        const message = await sender.sendMessage(
          {
            chatId,
            text: item.plain ? (r.plainText ?? htmlToPlainText(r.text)) : r.text,
            parseMode: item.plain ? undefined : r.parseMode,
            threadId: r.threadId,
            replyToMessageId: r.replyToMessageId,
            replyMarkup: r.replyMarkup,
          },
          signal,
        );
        this.stats.sent++;
        for (const s of item.settle) s.resolve(message.message_id);
        return;
      }
      case 'edit': {
        const r = item.request;
        await sender.editMessageText(
          {
            chatId,
            messageId: r.messageId,
            text: item.plain ? (r.plainText ?? htmlToPlainText(r.text)) : r.text,
            parseMode: item.plain ? undefined : r.parseMode,
            replyMarkup: r.replyMarkup,
          },
          signal,
        );
        this.stats.edited++;
        for (const s of item.settle) s.resolve('edited');
        return;
      }
      case 'delete':
        await sender.deleteMessage(chatId, item.messageId, signal);
        for (const s of item.settle) s.resolve(true);
        return;
      case 'markup':
        await sender.editMessageReplyMarkup(chatId, item.messageId, item.markup, signal);
        for (const s of item.settle) s.resolve(true);
        return;
    }
  }

  async #recover(item: Item, error: unknown, signal: AbortSignal): Promise<void> {
    const log = this.#options.log;
    const maxAttempts = this.#options.maxAttempts ?? DEFAULT_MAX_ATTEMPTS;
    if (signal.aborted) return this.#fail(item, new OutboxClosedError(this.chatId));
    if (item.kind === 'edit' && isNotModifiedError(error)) {
      for (const s of item.settle) s.resolve('unchanged');
      return;
    }
    if ((item.kind === 'edit' || item.kind === 'delete' || item.kind === 'markup') && isMessageGoneError(error)) {
      for (const s of item.settle) (s as Settle<EditStatus | boolean>).resolve(item.kind === 'edit' ? 'gone' : false);
      return;
    }
    if ((item.kind === 'send' || item.kind === 'edit') && !item.plain && isParseEntitiesError(error)) {
      // Never lose the text: the same words go out again without formatting.
      this.stats.plainFallbacks++;
      log?.warn({ chatId: this.chatId, kind: item.kind, err: (error as Error).message }, 'telegram refused the html; resending as plain text');
      item.plain = true;
      this.#retry(item);
      return;
    }
    if (item.attempts >= maxAttempts) return this.#fail(item, error);
    if (error instanceof TelegramApiError && error.errorCode === 429) {
      this.stats.rateLimited++;
      const waitMs = (error.retryAfter ?? 1) * 1000;
      log?.warn({ chatId: this.chatId, retryAfterS: error.retryAfter }, 'telegram rate limit hit; waiting retry_after');
      this.#options.limiter.penalize(this.#key, waitMs);
      this.#retry(item);
      return;
    }
    if (error instanceof TelegramNetworkError || (error instanceof TelegramApiError && error.errorCode >= 500)) {
      const waitMs = Math.min(NETWORK_BACKOFF_MS * 2 ** (item.attempts - 1), NETWORK_BACKOFF_MAX_MS);
      log?.warn({ chatId: this.chatId, waitMs, err: error.message }, 'telegram call failed; retrying');
      try {
        await sleep(waitMs, undefined, { signal });
      } catch {
        return this.#fail(item, new OutboxClosedError(this.chatId));
      }
      this.#retry(item);
      return;
    }
    this.#fail(item, error);
  }

  /** Puts an item back at the front, unless a newer edit of the same message is already waiting. */
  #retry(item: Item): void {
    if (item.kind === 'edit') {
      const newer = this.#queue.find((q) => q.kind === 'edit' && q.request.messageId === item.request.messageId);
      if (newer && newer.kind === 'edit') {
        this.stats.superseded++;
        newer.settle.push(...item.settle);
        return;
      }
    }
    this.#queue.unshift(item);
  }

  #fail(item: Item, error: unknown): void {
    for (const s of item.settle) s.reject(error);
  }
}

export interface OutboxesOptions {
  sender: TelegramSender;
  /** Shared by all chats of the bot. Default: a new limiter with Telegram's limits. */
  limiter?: RateLimiter;
  maxAttempts?: number;
  log?: TransportLog;
}

/** Above this many chats, idle outboxes are forgotten (pacing state lives in the shared limiter). */
const MAX_IDLE_OUTBOXES = 1_000;

/** All outboxes of one bot: one per chat, sharing the bot's global budget. */
export class Outboxes {
  readonly limiter: RateLimiter;
  readonly #options: OutboxesOptions;
  readonly #byChat = new Map<string, ChatOutbox>();

  constructor(options: OutboxesOptions) {
    this.#options = options;
    this.limiter = options.limiter ?? new RateLimiter();
  }

  for(chatId: ChatId, chatKind?: ChatKind): ChatOutbox {
    const key = String(chatId);
    let outbox = this.#byChat.get(key);
    if (!outbox) {
      this.#sweep();
      outbox = new ChatOutbox({
        sender: this.#options.sender,
        limiter: this.limiter,
        chatId,
        chatKind,
        maxAttempts: this.#options.maxAttempts,
        log: this.#options.log,
      });
      this.#byChat.set(key, outbox);
    }
    return outbox;
  }

  get size(): number {
    return this.#byChat.size;
  }

  async idle(): Promise<void> {
    await Promise.all([...this.#byChat.values()].map((o) => o.idle()));
  }

  close(): void {
    for (const outbox of this.#byChat.values()) outbox.close();
    this.#byChat.clear();
  }

  /**
   * Keeps one outbox per chat so order and edit merging hold for everyone sending there; only a bot
   * with very many chats forgets idle ones, which hold nothing but their counters.
   */
  #sweep(): void {
    if (this.#byChat.size < MAX_IDLE_OUTBOXES) return;
    for (const [key, outbox] of this.#byChat) if (!outbox.busy) this.#byChat.delete(key);
  }
}
