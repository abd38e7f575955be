// The one door to the Telegram Bot API: a thin wrapper over node-telegram-bot-api v2 whose errors are classified once.
import {
  Api,
  InputFile,
  TelegramApiError as LibraryApiError,
  type AnswerCallbackQueryParams,
  type BotCommand,
  type EditMessageReplyMarkupParams,
  type EditMessageTextParams,
  type File as TelegramFile,
  type InlineKeyboardMarkup,
  type Message,
  type ReactionType,
  type SendMessageParams,
  type Update,
  type User,
} from 'node-telegram-bot-api';
import { fromPath } from 'node-telegram-bot-api/node';
import { DuctorError } from '../../shared/errors.js';
import { redactKnown } from '../../shared/security/redact.js';

export type { InlineKeyboardMarkup, Message, TelegramFile, Update, User };

/** Telegram's own limit on message text, in characters. */
export const TELEGRAM_TEXT_LIMIT = 4096;
/** Ordinary calls give up after this long; getUpdates adds its long-poll timeout (the library does). */
const DEFAULT_REQUEST_TIMEOUT_MS = 30_000;
/** Bot API downloads are capped at 20 MB; refuse anything larger before reading it. */
const DEFAULT_MAX_DOWNLOAD_BYTES = 20 * 1024 * 1024;

/** A pino-compatible logger shape, so callers pass their child logger without an import here. */
export interface TransportLog {
  debug(obj: object, msg?: string): void;
  info(obj: object, msg?: string): void;
  warn(obj: object, msg?: string): void;
  error(obj: object, msg?: string): void;
}

export type ChatId = number | string;

/** Telegram answered `{ ok: false }`: branch on `errorCode` and the helpers below, never on the text. */
export class TelegramApiError extends DuctorError {
  constructor(
    readonly method: string,
    readonly errorCode: number,
    readonly description: string,
    /** Seconds Telegram asked us to wait (429 only). */
    readonly retryAfter: number | undefined,
    readonly migrateToChatId: number | undefined,
  ) {
    super('TELEGRAM_API', `Telegram ${method} failed: ${errorCode} ${description}`);
    this.name = 'TelegramApiError';
  }

  /** 401 (token revoked or wrong) and 409 (another poller or a webhook) stop this bot; retrying cannot help. */
  get isFatal(): boolean {
    return this.errorCode === 401 || this.errorCode === 409;
  }
}

/** The HTTP call itself failed (connection, DNS, timeout, unreadable answer); worth retrying with backoff. */
export class TelegramNetworkError extends DuctorError {
  constructor(
    readonly method: string,
    message: string,
    options?: { cause?: unknown },
  ) {
    super('TELEGRAM_NETWORK', message, options);
    this.name = 'TelegramNetworkError';
  }
}

export function isFatalTelegramError(error: unknown): boolean {
  return error instanceof TelegramApiError && error.isFatal;
}

/** Milliseconds a 429 asks us to wait, or undefined for any other error. */
export function retryAfterMs(error: unknown): number | undefined {
  if (error instanceof TelegramApiError && error.errorCode === 429) return (error.retryAfter ?? 1) * 1000;
  return undefined;
}

/** Telegram refused the HTML (or Markdown) of a text: resend it as plain text. */
export function isParseEntitiesError(error: unknown): boolean {
  return error instanceof TelegramApiError && error.errorCode === 400 && /can't parse entities/i.test(error.description);
}

/** An edit that would change nothing: harmless, the message already shows this. */
export function isNotModifiedError(error: unknown): boolean {
  return error instanceof TelegramApiError && error.errorCode === 400 && /message is not modified/i.test(error.description);
}

/** The message to edit or delete is gone (deleted by the user, too old). */
export function isMessageGoneError(error: unknown): boolean {
  return (
    error instanceof TelegramApiError &&
    error.errorCode === 400 &&
    /message to (edit|delete) not found|message can't be (edited|deleted)/i.test(error.description)
  );
}

export interface TelegramBotOptions {
  token: string;
  /** Config `telegram_api_root`. Default `https://api.telegram.org`. */
  apiRoot?: string;
  requestTimeoutMs?: number;
  log?: TransportLog;
}

export interface GetUpdatesOptions {
  offset?: number;
  /** Long-poll seconds. */
  timeout?: number;
  limit?: number;
  allowedUpdates?: readonly string[];
}

export interface SendTextOptions {
  chatId: ChatId;
  text: string;
  parseMode?: 'HTML';
  threadId?: number;
  replyToMessageId?: number;
  replyMarkup?: InlineKeyboardMarkup;
  disablePreview?: boolean;
}

export interface EditTextOptions {
  chatId: ChatId;
  messageId: number;
  text: string;
  parseMode?: 'HTML';
  replyMarkup?: InlineKeyboardMarkup;
  disablePreview?: boolean;
}

/** How an uploaded file is shown in the chat. */
export type UploadKind = 'document' | 'photo' | 'video' | 'audio';

export interface SendFileOptions {
  chatId: ChatId;
  /** The bytes, or `path`: a file streamed from disk (re-opened on a retry, never read whole). */
  data?: Uint8Array;
  path?: string;
  filename: string;
  contentType?: string;
  caption?: string;
  parseMode?: 'HTML';
  threadId?: number;
  replyToMessageId?: number;
}

/** What the outbox and the stream editor need; TelegramBot implements it. */
export interface TelegramSender {
  sendMessage(options: SendTextOptions, signal?: AbortSignal): Promise<Message>;
  editMessageText(options: EditTextOptions, signal?: AbortSignal): Promise<void>;
  deleteMessage(chatId: ChatId, messageId: number, signal?: AbortSignal): Promise<void>;
  editMessageReplyMarkup(chatId: ChatId, messageId: number, markup: InlineKeyboardMarkup | undefined, signal?: AbortSignal): Promise<void>;
  sendChatAction(chatId: ChatId, action: 'typing' | 'upload_document' | 'upload_photo', threadId?: number, signal?: AbortSignal): Promise<void>;
}

/** Every call takes an AbortSignal last; every failure leaves as TelegramApiError, TelegramNetworkError or the abort reason. */
export class TelegramBot implements TelegramSender {
  readonly apiRoot: string;
  readonly #api: Api;
  readonly #token: string;
  readonly #log: TransportLog | undefined;

  constructor(options: TelegramBotOptions) {
    this.#token = options.token;
    this.apiRoot = (options.apiRoot ?? 'https://api.telegram.org').replace(/\/+$/, '');
    this.#log = options.log;
    this.#api = new Api(options.token, {
      apiRoot: this.apiRoot,
      timeoutMs: options.requestTimeoutMs ?? DEFAULT_REQUEST_TIMEOUT_MS,
      // Retries, 429 waits and pacing belong to the poller and the outbox, which know the chat and the turn.
      maxRetries: 0,
    });
  }

  /** Removes the token from any text, including `bot<token>` inside URLs. */
  redact(text: string): string {
    return redactKnown(text, [this.#token]).replace(/\/bot[^/\s]+\//g, '/bot<redacted>/');
  }

  getMe(signal?: AbortSignal): Promise<User> {
    return this.#call('getMe', () => this.#api.getMe(signal), signal);
  }

  getUpdates(options: GetUpdatesOptions, signal?: AbortSignal): Promise<Update[]> {
    return this.#call(
      'getUpdates',
      () =>
        this.#api.getUpdates(
          {
            offset: options.offset,
            timeout: options.timeout,
            limit: options.limit,
            allowed_updates: options.allowedUpdates ? [...options.allowedUpdates] : undefined,
          },
          signal,
        ),
      signal,
    );
  }

  sendMessage(options: SendTextOptions, signal?: AbortSignal): Promise<Message> {
    const params: SendMessageParams = {
      chat_id: options.chatId,
      text: options.text,
      parse_mode: options.parseMode,
      message_thread_id: options.threadId,
      reply_markup: options.replyMarkup,
    };
    // A reply whose original was deleted meanwhile still goes out, just without the quote.
    if (options.replyToMessageId !== undefined) {
      params.reply_parameters = { message_id: options.replyToMessageId, allow_sending_without_reply: true };
    }
    if (options.disablePreview) params.link_preview_options = { is_disabled: true };
    return this.#call('sendMessage', () => this.#api.sendMessage(params, signal), signal);
  }

  async editMessageText(options: EditTextOptions, signal?: AbortSignal): Promise<void> {
    const params: EditMessageTextParams = {
      chat_id: options.chatId,
      message_id: options.messageId,
      text: options.text,
      parse_mode: options.parseMode,
      reply_markup: options.replyMarkup,
    };
    if (options.disablePreview) params.link_preview_options = { is_disabled: true };
    await this.#call('editMessageText', () => this.#api.editMessageText(params, signal), signal);
  }

  async deleteMessage(chatId: ChatId, messageId: number, signal?: AbortSignal): Promise<void> {
    await this.#call('deleteMessage', () => this.#api.deleteMessage({ chat_id: chatId, message_id: messageId }, signal), signal);
  }

  async editMessageReplyMarkup(
    chatId: ChatId,
    messageId: number,
    markup: InlineKeyboardMarkup | undefined,
    signal?: AbortSignal,
  ): Promise<void> {
    const params: EditMessageReplyMarkupParams = { chat_id: chatId, message_id: messageId, reply_markup: markup };
    await this.#call('editMessageReplyMarkup', () => this.#api.editMessageReplyMarkup(params, signal), signal);
  }

  async sendChatAction(
    chatId: ChatId,
    action: 'typing' | 'upload_document' | 'upload_photo',
    threadId?: number,
    signal?: AbortSignal,
  ): Promise<void> {
    await this.#call(
      'sendChatAction',
      () => this.#api.sendChatAction({ chat_id: chatId, action, message_thread_id: threadId }, signal),
      signal,
    );
  }

  async setMyCommands(commands: readonly BotCommand[], signal?: AbortSignal): Promise<void> {
    await this.#call('setMyCommands', () => this.#api.setMyCommands({ commands: [...commands] }, signal), signal);
  }

  async answerCallbackQuery(callbackQueryId: string, text?: string, signal?: AbortSignal): Promise<void> {
    const params: AnswerCallbackQueryParams = { callback_query_id: callbackQueryId, text };
    await this.#call('answerCallbackQuery', () => this.#api.answerCallbackQuery(params, signal), signal);
  }

  async leaveChat(chatId: ChatId, signal?: AbortSignal): Promise<void> {
    await this.#call('leaveChat', () => this.#api.leaveChat({ chat_id: chatId }, signal), signal);
  }

  async setMessageReaction(chatId: ChatId, messageId: number, emoji: string | undefined, signal?: AbortSignal): Promise<void> {
    // An empty list clears our reaction; a bare string narrows to the emoji reaction type.
    const reaction = (emoji ? [{ type: 'emoji', emoji }] : []) as ReactionType[];
    await this.#call(
      'setMessageReaction',
      () => this.#api.setMessageReaction({ chat_id: chatId, message_id: messageId, reaction }, signal),
      signal,
    );
  }

  getFile(fileId: string, signal?: AbortSignal): Promise<TelegramFile> {
    return this.#call('getFile', () => this.#api.getFile({ file_id: fileId }, signal), signal);
  }

  /** Downloads a file by its `file_path` from getFile, refusing more than `maxBytes` (default 20 MB). */
  async downloadFile(filePath: string, options: { maxBytes?: number } = {}, signal?: AbortSignal): Promise<Buffer> {
    const maxBytes = options.maxBytes ?? DEFAULT_MAX_DOWNLOAD_BYTES;
    const url = `${this.apiRoot}/file/bot${this.#token}/${filePath.split('/').map(encodeURIComponent).join('/')}`;
    let response: Response;
    try {
      response = await fetch(url, { signal });
    } catch (error) {
      if (signal?.aborted) throw signal.reason;
      throw new TelegramNetworkError('downloadFile', this.redact(`Telegram file download failed: ${describe(error)}`), { cause: error });
    }
    if (!response.ok) {
      await response.body?.cancel();
      throw new TelegramApiError('downloadFile', response.status, `file download answered ${response.status}`, undefined, undefined);
    }
    const declared = Number(response.headers.get('content-length') ?? '0');
    if (declared > maxBytes) {
      await response.body?.cancel();
      throw new TelegramApiError('downloadFile', 400, `file is ${declared} bytes, over the ${maxBytes} byte limit`, undefined, undefined);
    }
    const data = Buffer.from(await response.arrayBuffer());
    if (data.length > maxBytes) {
      throw new TelegramApiError('downloadFile', 400, `file is ${data.length} bytes, over the ${maxBytes} byte limit`, undefined, undefined);
    }
    return data;
  }

  sendDocument(options: SendFileOptions, signal?: AbortSignal): Promise<Message> {
    return this.sendFile('document', options, signal);
  }

  sendPhoto(options: SendFileOptions, signal?: AbortSignal): Promise<Message> {
    return this.sendFile('photo', options, signal);
  }

  /** Uploads a file as a document, photo, video or audio (Telegram shows each differently). */
  async sendFile(kind: UploadKind, options: SendFileOptions, signal?: AbortSignal): Promise<Message> {
    const file = await inputFileOf(options);
    const common = {
      chat_id: options.chatId,
      caption: options.caption,
      parse_mode: options.caption ? options.parseMode : undefined,
      message_thread_id: options.threadId,
      reply_parameters:
        options.replyToMessageId !== undefined
          ? { message_id: options.replyToMessageId, allow_sending_without_reply: true }
          : undefined,
    };
    switch (kind) {
      case 'photo':
        return this.#call('sendPhoto', () => this.#api.sendPhoto({ ...common, photo: file }, signal), signal);
      case 'video':
        return this.#call('sendVideo', () => this.#api.sendVideo({ ...common, video: file }, signal), signal);
      case 'audio':
        return this.#call('sendAudio', () => this.#api.sendAudio({ ...common, audio: file }, signal), signal);
      case 'document':
        return this.#call('sendDocument', () => this.#api.sendDocument({ ...common, document: file }, signal), signal);
    }
  }

  async #call<R>(method: string, run: () => Promise<R>, signal: AbortSignal | undefined): Promise<R> {
    try {
      return await run();
    } catch (error) {
      // The caller cancelled: hand back its own reason untouched so `signal.aborted` checks stay simple.
      if (signal?.aborted) throw signal.reason;
      if (error instanceof LibraryApiError) {
        const classified = new TelegramApiError(
          method,
          error.errorCode,
          this.redact(error.description),
          error.retryAfter,
          error.migrateToChatId,
        );
        this.#log?.debug({ method, code: error.errorCode, retryAfter: error.retryAfter }, 'telegram api error');
        throw classified;
      }
      const wrapped = new TelegramNetworkError(method, this.redact(`Telegram ${method} request failed: ${describe(error)}`), {
        cause: error,
      });
      this.#log?.debug({ method, err: wrapped.message }, 'telegram network error');
      throw wrapped;
    }
  }
}

function inputFileOf(options: SendFileOptions): Promise<InputFile> {
  const meta = { filename: options.filename, contentType: options.contentType };
  if (options.path !== undefined) return fromPath(options.path, meta);
  return Promise.resolve(new InputFile(options.data ?? new Uint8Array(), meta));
}

function describe(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  const cause = error.cause instanceof Error ? `: ${error.cause.message}` : '';
  return `${error.message}${cause}`;
}
