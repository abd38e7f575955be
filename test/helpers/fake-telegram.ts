// A fake Telegram Bot API server on 127.0.0.1: real HTTP, Telegram's validation rules, every call recorded.
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/** Shaped like a real token so redaction patterns recognise it. */
export const FAKE_TOKEN = '1234567890:AAFakeTokenForTestsOnly_abcdefghijklm';
export const FAKE_BOT_ID = 1234567890;
export const FAKE_BOT_USERNAME = 'ductor_test_bot';

const MAX_TEXT = 4096;
const MAX_CAPTION = 1024;

export interface RecordedCall {
  method: string;
  token: string;
  params: Record<string, unknown>;
  /** Date.now() when the request arrived. */
  at: number;
  /** HTTP status answered (0 while a getUpdates is still held open). */
  status: number;
}

export interface UploadedFile {
  filename: string;
  contentType: string;
  size: number;
  data: Buffer;
}

export interface FakeMessage {
  chatId: number;
  /** The bot that sent it. */
  token: string;
  messageId: number;
  /** Raw text (or caption) as sent, with HTML tags if parse_mode was HTML. */
  text: string;
  /** What the user sees: tags removed, entities decoded. */
  visibleText: string;
  parseMode: string | undefined;
  threadId: number | undefined;
  replyTo: number | undefined;
  replyMarkup: unknown;
  kind: 'text' | 'document' | 'photo' | 'video' | 'audio';
  file: UploadedFile | undefined;
  edits: number;
  deleted: boolean;
}

export interface Failure {
  code: number;
  description: string;
  retryAfter?: number;
  /** How many consecutive calls of the method fail this way. Default 1. */
  times?: number;
}

export interface RateRules {
  /** Answer 429 when a rule is exceeded (violations are recorded either way). Default false. */
  enforce: boolean;
  /** Private chats: at most this many counted calls in any 1 s window. Default 1. */
  privatePerSecond: number;
  /** Groups: at most this many counted calls in any 60 s window. Default 20. */
  groupPerMinute: number;
  /** All chats of one token: at most this many counted calls in any 1 s window. Default 30. */
  globalPerSecond: number;
}

export interface RateViolation {
  chatId: number;
  method: string;
  at: number;
  rule: 'private' | 'group' | 'global';
}

export type Behaviour = 'normal' | 'unauthorized' | 'conflict';

export interface PushMessageInput {
  chatId: number;
  userId: number;
  text: string;
  threadId?: number;
  chatType?: 'private' | 'group' | 'supergroup';
  replyToMessageId?: number;
  token?: string;
}

type Update = Record<string, unknown> & { update_id: number };

interface Waiter {
  wake: () => void;
}

interface ChatState {
  type: 'private' | 'group' | 'supergroup';
  /** Telegram numbers a private chat's messages per bot (each bot has its own chat with the user), a group's per group. */
  nextMessageId: number;
  messages: Map<number, FakeMessage>;
}

/** Methods that count against Telegram's per-chat and global flood limits. */
const COUNTED = new Set(['sendMessage', 'editMessageText', 'sendDocument', 'sendPhoto', 'sendVideo', 'sendAudio', 'editMessageReplyMarkup']);
const NUMERIC = new Set([
  'chat_id', 'message_id', 'message_thread_id', 'offset', 'limit', 'timeout', 'user_id', 'from_chat_id',
  'cache_time',
]);
const BOOLEAN = new Set(['disable_notification', 'show_alert', 'is_big', 'protect_content', 'is_personal']);
const JSON_FIELDS = new Set([
  'reply_markup', 'allowed_updates', 'reply_parameters', 'reaction', 'commands', 'scope', 'link_preview_options',
  'entities', 'caption_entities',
]);
const ALLOWED_TAGS = new Set([
  'b', 'strong', 'i', 'em', 'u', 'ins', 's', 'strike', 'del', 'span', 'tg-spoiler', 'a', 'code', 'pre', 'blockquote',
  'tg-emoji',
]);

export type FakeTelegram = Awaited<ReturnType<typeof startFakeTelegram>>;

export interface FakeTelegramOptions {
  /**
   * Answer calls over Telegram's flood limits (private chat ~1/s, group 20/min, 30/s per bot)
   * with 429 and `retry_after`, as Telegram does, instead of only recording the violation.
   * Default false; the same as setting `rate.enforce` later.
   */
  enforceRateLimits?: boolean;
}

/**
 * Starts the server. Pass the test context to have it closed in `t.after`.
 * Bots reach it with `apiRoot: tg.url`; tokens other than FAKE_TOKEN (or ones added) get 401.
 */
export async function startFakeTelegram(t?: { after(fn: () => unknown): void }, options: FakeTelegramOptions = {}) {
  const tokens = new Set([FAKE_TOKEN]);
  const calls: RecordedCall[] = [];
  const chats = new Map<string, ChatState>();
  const pending = new Map<string, Update[]>();
  const waiters = new Map<string, Set<Waiter>>();
  const failures = new Map<string, Failure[]>();
  const files = new Map<string, { path: string; data: Buffer }>();
  const violations: RateViolation[] = [];
  const counted: Array<{ token: string; chatId: number; at: number }> = [];
  const commands: unknown[] = [];
  const held = new Set<ServerResponse>();
  const rate: RateRules = { enforce: options.enforceRateLimits ?? false, privatePerSecond: 1, groupPerMinute: 20, globalPerSecond: 30 };
  let behaviour: Behaviour = 'normal';
  let stallCount = 0;
  let rejectHtmlCount = 0;
  let htmlRejectMarker: string | undefined;
  let nextUpdateId = 1;
  let nextFileId = 1;

  const chatTypes = new Map<number, ChatState['type']>();

  /** The state of `chatId` as `token`'s bot sees it: private chats are one per bot, groups shared. */
  function chat(chatId: number, token = FAKE_TOKEN, type?: ChatState['type']): ChatState {
    if (type) chatTypes.set(chatId, type);
    const kind = chatTypes.get(chatId) ?? (chatId < 0 ? 'supergroup' : 'private');
    const key = kind === 'private' ? `${token}:${chatId}` : String(chatId);
    let state = chats.get(key);
    if (!state) {
      state = { type: kind, nextMessageId: 1, messages: new Map() };
      chats.set(key, state);
    }
    state.type = kind;
    return state;
  }

  /** A bot's id is the number before the colon of its token, as on Telegram. */
  function botOf(token: string): { id: number; username: string } {
    const id = Number(token.split(':')[0]);
    return token === FAKE_TOKEN ? { id: FAKE_BOT_ID, username: FAKE_BOT_USERNAME } : { id, username: `bot${id}_bot` };
  }

  function queue(token: string): Update[] {
    let list = pending.get(token);
    if (!list) pending.set(token, (list = []));
    return list;
  }

  function wakePollers(token: string): void {
    for (const waiter of waiters.get(token) ?? []) waiter.wake();
  }

  function pushUpdate(update: Omit<Update, 'update_id'> & { update_id?: number }, token = FAKE_TOKEN): number {
    const id = update.update_id ?? nextUpdateId;
    nextUpdateId = Math.max(nextUpdateId, id + 1);
    queue(token).push({ ...update, update_id: id });
    wakePollers(token);
    return id;
  }

  function pushMessage(input: PushMessageInput): { updateId: number; messageId: number } {
    const state = chat(input.chatId, input.token, input.chatType);
    const messageId = state.nextMessageId++;
    const message: Record<string, unknown> = {
      message_id: messageId,
      date: Math.floor(Date.now() / 1000),
      chat: { id: input.chatId, type: state.type, ...(state.type === 'private' ? { first_name: 'User' } : { title: 'Group' }) },
      from: { id: input.userId, is_bot: false, first_name: 'User' },
      text: input.text,
    };
    if (input.threadId !== undefined) {
      message.message_thread_id = input.threadId;
      message.is_topic_message = true;
    }
    if (input.replyToMessageId !== undefined) {
      message.reply_to_message = state.messages.get(input.replyToMessageId) ?? { message_id: input.replyToMessageId };
    }
    const updateId = pushUpdate({ message }, input.token);
    return { updateId, messageId };
  }

  function pushCallbackQuery(input: { chatId: number; userId: number; messageId: number; data: string; token?: string }): number {
    const state = chat(input.chatId, input.token);
    const pressed = state.messages.get(input.messageId);
    return pushUpdate(
      {
        callback_query: {
          id: `cb${nextUpdateId}`,
          from: { id: input.userId, is_bot: false, first_name: 'User' },
          chat_instance: String(input.chatId),
          data: input.data,
          // Like Telegram, the pressed message comes with its current text and keyboard when the bot sent it.
          message: {
            message_id: input.messageId, date: 0, chat: { id: input.chatId, type: state.type },
            ...(pressed && !pressed.deleted ? { text: pressed.visibleText, ...(pressed.replyMarkup !== undefined ? { reply_markup: pressed.replyMarkup } : {}) } : {}),
          },
        },
      },
      input.token,
    );
  }

  function addFile(content: Buffer | string, path = `documents/file_${nextFileId}.bin`): string {
    const fileId = `file${nextFileId++}`;
    files.set(fileId, { path, data: Buffer.isBuffer(content) ? content : Buffer.from(content) });
    return fileId;
  }

  function takeFailure(method: string): Failure | undefined {
    const list = failures.get(method);
    const head = list?.[0];
    if (!list || !head) return undefined;
    const remaining = (head.times ?? 1) - 1;
    if (remaining <= 0) list.shift();
    else list[0] = { ...head, times: remaining };
    return head;
  }

  /** Records a counted call and returns the retry_after (s) to answer when enforcing and over a limit. */
  function countCall(token: string, method: string, chatId: number): number | undefined {
    const now = Date.now();
    const type = chat(chatId, token).type;
    const sameChat = counted.filter((c) => c.token === token && c.chatId === chatId);
    const lastSecondChat = sameChat.filter((c) => now - c.at < 1_000);
    const lastMinuteChat = sameChat.filter((c) => now - c.at < 60_000);
    const lastSecondAll = counted.filter((c) => c.token === token && now - c.at < 1_000);
    let rule: RateViolation['rule'] | undefined;
    let retryAfter = 1;
    if (type === 'private' && lastSecondChat.length >= rate.privatePerSecond) rule = 'private';
    else if (type !== 'private' && lastMinuteChat.length >= rate.groupPerMinute) {
      rule = 'group';
      retryAfter = Math.max(1, Math.ceil((60_000 - (now - (lastMinuteChat[0]?.at ?? now))) / 1000));
    } else if (lastSecondAll.length >= rate.globalPerSecond) rule = 'global';
    if (rule) {
      violations.push({ chatId, method, at: now, rule });
      if (rate.enforce) return retryAfter;
    }
    counted.push({ token, chatId, at: now });
    // Keep the log bounded: nothing older than a minute matters to any rule.
    while (counted.length > 0 && now - (counted[0]?.at ?? now) > 61_000) counted.shift();
    return undefined;
  }

  function checkText(text: unknown, parseMode: unknown, limit: number): { visible: string } | { error: string } {
    if (typeof text !== 'string') return { error: 'Bad Request: message text is empty' };
    let visible = text;
    if (parseMode === 'HTML') {
      if (rejectHtmlCount > 0) {
        rejectHtmlCount--;
        return { error: "Bad Request: can't parse entities: Unsupported start tag \"injected\" at byte offset 0" };
      }
      if (htmlRejectMarker !== undefined && text.includes(htmlRejectMarker)) {
        return { error: `Bad Request: can't parse entities: Unexpected end tag at byte offset ${text.indexOf(htmlRejectMarker)}` };
      }
      const parsed = parseTelegramHtml(text);
      if ('error' in parsed) return { error: `Bad Request: can't parse entities: ${parsed.error}` };
      visible = parsed.text;
    }
    if (visible.trim().length === 0) return { error: 'Bad Request: message text is empty' };
    if (visible.length > limit) return { error: limit === MAX_TEXT ? 'Bad Request: message is too long' : 'Bad Request: message caption is too long' };
    return { visible };
  }

  function replyTo(params: Record<string, unknown>): number | undefined {
    const rp = params.reply_parameters as { message_id?: number } | undefined;
    if (rp?.message_id !== undefined) return rp.message_id;
    return typeof params.reply_to_message_id === 'number' ? params.reply_to_message_id : undefined;
  }

  function messageJson(m: FakeMessage): Record<string, unknown> {
    const state = chat(m.chatId, m.token);
    const bot = botOf(m.token);
    const out: Record<string, unknown> = {
      message_id: m.messageId,
      date: Math.floor(Date.now() / 1000),
      chat: { id: m.chatId, type: state.type },
      from: { id: bot.id, is_bot: true, first_name: 'Ductor', username: bot.username },
    };
    if (m.kind === 'text') out.text = m.visibleText;
    else if (m.visibleText) out.caption = m.visibleText;
    if (m.threadId !== undefined) out.message_thread_id = m.threadId;
    if (m.replyMarkup !== undefined) out.reply_markup = m.replyMarkup;
    if (m.kind === 'document' && m.file) out.document = { file_id: 'up', file_unique_id: 'up', file_name: m.file.filename };
    if (m.kind === 'photo') out.photo = [{ file_id: 'up', file_unique_id: 'up', width: 1, height: 1 }];
    return out;
  }

  type Reply = { status: number; body: Record<string, unknown> };
  const ok = (result: unknown): Reply => ({ status: 200, body: { ok: true, result } });
  const fail = (code: number, description: string, retryAfter?: number): Reply => ({
    status: code,
    body: { ok: false, error_code: code, description, ...(retryAfter !== undefined ? { parameters: { retry_after: retryAfter } } : {}) },
  });

  function handleMethod(token: string, method: string, params: Record<string, unknown>): Reply | 'poll' {
    if (!tokens.has(token) || behaviour === 'unauthorized') return fail(401, 'Unauthorized');
    const injected = takeFailure(method);
    if (injected) return fail(injected.code, injected.description, injected.retryAfter);
    const chatId = typeof params.chat_id === 'number' ? params.chat_id : undefined;
    if (COUNTED.has(method) && chatId !== undefined) {
      const retryAfter = countCall(token, method, chatId);
      if (retryAfter !== undefined) return fail(429, `Too Many Requests: retry after ${retryAfter}`, retryAfter);
    }
    switch (method) {
      case 'getMe':
        return ok({ ...botOf(token), is_bot: true, first_name: 'Ductor' });
      case 'getUpdates':
        if (behaviour === 'conflict') {
          return fail(409, 'Conflict: terminated by other getUpdates request; make sure that only one bot instance is running');
        }
        return 'poll';
      case 'sendMessage':
      case 'sendDocument':
      case 'sendPhoto':
      case 'sendVideo':
      case 'sendAudio': {
        if (chatId === undefined) return fail(400, 'Bad Request: chat not found');
        const kind = method === 'sendMessage' ? 'text' : (method.slice(4).toLowerCase() as 'document' | 'photo' | 'video' | 'audio');
        const file = kind === 'text' ? undefined : params[kind];
        if (kind !== 'text' && !isUpload(file) && typeof file !== 'string') return fail(400, `Bad Request: there is no ${kind} in the request`);
        let visible = '';
        const raw = kind === 'text' ? params.text : params.caption;
        if (kind === 'text' || raw !== undefined) {
          const checked = checkText(raw, params.parse_mode, kind === 'text' ? MAX_TEXT : MAX_CAPTION);
          if ('error' in checked) return fail(400, checked.error);
          visible = checked.visible;
        }
        const state = chat(chatId, token);
        const reply = replyTo(params);
        const rp = params.reply_parameters as { allow_sending_without_reply?: boolean } | undefined;
        if (reply !== undefined && !state.messages.has(reply) && reply >= state.nextMessageId && !rp?.allow_sending_without_reply) {
          return fail(400, 'Bad Request: message to be replied not found');
        }
        const message: FakeMessage = {
          chatId,
          token,
          messageId: state.nextMessageId++,
          text: typeof raw === 'string' ? raw : '',
          visibleText: visible,
          parseMode: typeof params.parse_mode === 'string' ? params.parse_mode : undefined,
          threadId: typeof params.message_thread_id === 'number' ? params.message_thread_id : undefined,
          replyTo: reply,
          replyMarkup: params.reply_markup,
          kind,
          file: isUpload(file) ? file : undefined,
          edits: 0,
          deleted: false,
        };
        state.messages.set(message.messageId, message);
        return ok(messageJson(message));
      }
      case 'editMessageText':
      case 'editMessageReplyMarkup': {
        const message = chatId === undefined ? undefined : chat(chatId, token).messages.get(Number(params.message_id));
        if (!message || message.deleted) return fail(400, 'Bad Request: message to edit not found');
        let text = message.text;
        let visible = message.visibleText;
        let parseMode = message.parseMode;
        if (method === 'editMessageText') {
          const checked = checkText(params.text, params.parse_mode, MAX_TEXT);
          if ('error' in checked) return fail(400, checked.error);
          text = String(params.text);
          visible = checked.visible;
          parseMode = typeof params.parse_mode === 'string' ? params.parse_mode : undefined;
        }
        const markup = method === 'editMessageReplyMarkup' || params.reply_markup !== undefined ? params.reply_markup : undefined;
        if (visible === message.visibleText && text === message.text && JSON.stringify(markup) === JSON.stringify(message.replyMarkup)) {
          return fail(
            400,
            'Bad Request: message is not modified: specified new message content and reply markup are exactly the same as a current content and reply markup of the message',
          );
        }
        message.text = text;
        message.visibleText = visible;
        message.parseMode = parseMode;
        message.replyMarkup = markup;
        message.edits++;
        return ok(messageJson(message));
      }
      case 'deleteMessage': {
        const message = chatId === undefined ? undefined : chat(chatId, token).messages.get(Number(params.message_id));
        if (!message || message.deleted) return fail(400, 'Bad Request: message to delete not found');
        message.deleted = true;
        return ok(true);
      }
      case 'setMyCommands':
        commands.push(params.commands);
        return ok(true);
      case 'sendChatAction':
      case 'answerCallbackQuery':
      case 'setMessageReaction':
      case 'leaveChat':
        return ok(true);
      case 'getFile': {
        const file = files.get(String(params.file_id));
        if (!file) return fail(400, 'Bad Request: invalid file_id');
        return ok({ file_id: params.file_id, file_unique_id: `u${String(params.file_id)}`, file_size: file.data.length, file_path: file.path });
      }
      default:
        return fail(404, 'Not Found');
    }
  }

  function answerPoll(token: string, params: Record<string, unknown>, call: RecordedCall, res: ServerResponse): void {
    const list = queue(token);
    const offset = typeof params.offset === 'number' ? params.offset : undefined;
    if (offset !== undefined && offset > 0) {
      // Telegram confirms (forgets) every update below the offset.
      while (list.length > 0 && (list[0]?.update_id ?? 0) < offset) list.shift();
    }
    const allowed = Array.isArray(params.allowed_updates) && params.allowed_updates.length > 0 ? new Set(params.allowed_updates as string[]) : undefined;
    const limit = typeof params.limit === 'number' ? params.limit : 100;
    const timeoutS = typeof params.timeout === 'number' ? params.timeout : 0;
    const select = (): Update[] => {
      if (allowed) {
        // Updates of kinds the bot did not ask for are never delivered.
        for (let i = list.length - 1; i >= 0; i--) {
          const kind = Object.keys(list[i] ?? {}).find((k) => k !== 'update_id');
          if (kind && !allowed.has(kind)) list.splice(i, 1);
        }
      }
      return list.slice(0, limit);
    };
    const send = (): void => {
      call.status = 200;
      held.delete(res);
      respond(res, ok(select()));
    };
    if (stallCount > 0) {
      // A stalled long poll never answers; only the client giving up (or close()) ends it.
      stallCount--;
      held.add(res);
      res.on('close', () => held.delete(res));
      return;
    }
    if (select().length > 0 || timeoutS <= 0) return send();
    held.add(res);
    const set = waiters.get(token) ?? new Set<Waiter>();
    waiters.set(token, set);
    const waiter: Waiter = {
      wake: () => {
        if (select().length === 0) return;
        cleanup();
        send();
      },
    };
    const timer = setTimeout(() => {
      cleanup();
      send();
    }, timeoutS * 1000);
    const cleanup = (): void => {
      clearTimeout(timer);
      set.delete(waiter);
    };
    set.add(waiter);
    res.on('close', () => {
      cleanup();
      held.delete(res);
    });
  }

  const server = createServer((req, res) => {
    void (async () => {
      const url = new URL(req.url ?? '/', 'http://127.0.0.1');
      const fileMatch = /^\/file\/bot([^/]+)\/(.+)$/.exec(url.pathname);
      if (fileMatch) {
        const [, token = '', path = ''] = fileMatch;
        const file = [...files.values()].find((f) => f.path === decodeURIComponent(path));
        calls.push({ method: 'downloadFile', token, params: { path }, at: Date.now(), status: file && tokens.has(token) ? 200 : 404 });
        if (!file || !tokens.has(token)) {
          res.writeHead(404).end('Not Found');
          return;
        }
        res.writeHead(200, { 'content-type': 'application/octet-stream', 'content-length': file.data.length }).end(file.data);
        return;
      }
      const match = /^\/bot([^/]+)\/([A-Za-z]+)$/.exec(url.pathname);
      if (!match) {
        respond(res, fail(404, 'Not Found'));
        return;
      }
      const [, token = '', method = ''] = match;
      const params = normalize({ ...Object.fromEntries(url.searchParams), ...(await readBody(req)) });
      const call: RecordedCall = { method, token, params, at: Date.now(), status: 0 };
      calls.push(call);
      const reply = handleMethod(token, method, params);
      if (reply === 'poll') {
        answerPoll(token, params, call, res);
        return;
      }
      call.status = reply.status;
      respond(res, reply);
    })().catch((error: unknown) => {
      res.writeHead(500).end(String(error));
    });
  });

  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  let closed = false;

  const api = {
    url: `http://127.0.0.1:${port}`,
    token: FAKE_TOKEN,
    calls,
    violations,
    commands,
    rate,
    pushUpdate,
    pushMessage,
    pushCallbackQuery,
    addFile,
    addToken(token: string) {
      tokens.add(token);
    },
    /** Every call of `method`, in arrival order. */
    callsOf(method: string): RecordedCall[] {
      return calls.filter((c) => c.method === method);
    },
    /** Messages the bots sent (text, documents, photos), in order, with their current content; `token`: one bot's only. */
    sent(chatId?: number, token?: string): FakeMessage[] {
      const out: FakeMessage[] = [];
      for (const state of chats.values()) {
        for (const m of state.messages.values()) {
          if ((chatId === undefined || m.chatId === chatId) && (token === undefined || m.token === token)) out.push(m);
        }
      }
      return out;
    },
    /** Messages still visible (sent and not deleted). */
    visible(chatId?: number, token?: string): FakeMessage[] {
      return api.sent(chatId, token).filter((m) => !m.deleted);
    },
    /** Make the next call(s) of `method` fail with this Telegram error. */
    failNext(method: string, failure: Failure) {
      const list = failures.get(method) ?? [];
      list.push(failure);
      failures.set(method, list);
    },
    /** The next `count` HTML-parsed texts are refused as "can't parse entities". */
    rejectHtmlOnce(count = 1) {
      rejectHtmlCount += count;
    },
    /** Every HTML text containing `marker` is refused as "can't parse entities" (undefined turns it off). */
    rejectHtmlContaining(marker: string | undefined) {
      htmlRejectMarker = marker;
    },
    /** 'unauthorized': every call gets 401. 'conflict': getUpdates gets 409. */
    setBehaviour(next: Behaviour) {
      behaviour = next;
    },
    /** The next `count` getUpdates requests are held open and never answered. */
    stallGetUpdates(count = 1) {
      stallCount += count;
    },
    /** Updates not yet confirmed by an offset. */
    pendingUpdates(token = FAKE_TOKEN): number[] {
      return queue(token).map((u) => u.update_id);
    },
    setChatType(chatId: number, type: ChatState['type']) {
      chat(chatId, FAKE_TOKEN, type);
    },
    async close() {
      if (closed) return;
      closed = true;
      for (const res of held) res.destroy();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
  t?.after(() => api.close());
  return api;
}

function respond(res: ServerResponse, reply: { status: number; body: Record<string, unknown> }): void {
  if (res.destroyed || res.writableEnded) return;
  const body = JSON.stringify(reply.body);
  res.writeHead(reply.status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) });
  res.end(body);
}

function isUpload(value: unknown): value is UploadedFile {
  return typeof value === 'object' && value !== null && Buffer.isBuffer((value as UploadedFile).data);
}

async function readBody(req: IncomingMessage): Promise<Record<string, unknown>> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  const body = Buffer.concat(chunks);
  if (body.length === 0) return {};
  const type = req.headers['content-type'] ?? '';
  if (type.includes('application/json')) return JSON.parse(body.toString('utf8')) as Record<string, unknown>;
  if (type.includes('application/x-www-form-urlencoded')) return Object.fromEntries(new URLSearchParams(body.toString('utf8')));
  const boundary = /boundary=(?:"([^"]+)"|([^;]+))/.exec(type);
  if (type.includes('multipart/form-data') && boundary) return parseMultipart(body, boundary[1] ?? boundary[2] ?? '');
  return {};
}

function parseMultipart(body: Buffer, boundary: string): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  const delimiter = Buffer.from(`--${boundary}`);
  let start = body.indexOf(delimiter);
  while (start !== -1) {
    const partStart = start + delimiter.length;
    if (body.subarray(partStart, partStart + 2).toString() === '--') break;
    const next = body.indexOf(delimiter, partStart);
    if (next === -1) break;
    // Each part is CRLF, headers, CRLF CRLF, data, CRLF, then the next delimiter.
    const part = body.subarray(partStart + 2, next - 2);
    const headerEnd = part.indexOf('\r\n\r\n');
    const headers = part.subarray(0, headerEnd).toString('utf8');
    const data = part.subarray(headerEnd + 4);
    const name = /name="([^"]*)"/.exec(headers)?.[1];
    const filename = /filename="([^"]*)"/.exec(headers)?.[1];
    const contentType = /content-type:\s*([^\r\n]+)/i.exec(headers)?.[1] ?? 'application/octet-stream';
    if (name !== undefined) {
      out[name] = filename !== undefined ? { filename, contentType, size: data.length, data: Buffer.from(data) } : data.toString('utf8');
    }
    start = next;
  }
  return out;
}

/** Form bodies carry only strings: restore the numbers, booleans and JSON structures Telegram would see. */
function normalize(params: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(params)) {
    if (typeof value !== 'string') out[key] = value;
    else if (NUMERIC.has(key) && /^-?\d+$/.test(value)) out[key] = Number(value);
    else if (BOOLEAN.has(key) && (value === 'true' || value === 'false')) out[key] = value === 'true';
    else if (JSON_FIELDS.has(key)) {
      try {
        out[key] = JSON.parse(value);
      } catch {
        // Telegram answers such a field with 400; keeping the raw string lets the test see what arrived.
        out[key] = value;
      }
    } else out[key] = value;
  }
  return out;
}

/**
 * Parses Telegram's HTML subset like the Bot API does: only its tags, balanced, every `<`, `>`, `&` escaped.
 * Returns the visible text, or the reason Telegram would refuse it.
 */
export function parseTelegramHtml(html: string): { text: string } | { error: string } {
  const stack: string[] = [];
  let text = '';
  let i = 0;
  while (i < html.length) {
    const ch = html[i];
    if (ch === '<') {
      const tag = /^<(\/?)([a-zA-Z][a-zA-Z0-9-]*)(\s[^<>]*)?>/.exec(html.slice(i));
      if (!tag) return { error: `Unsupported start tag at byte offset ${i}` };
      const [whole, slash, rawName = ''] = tag;
      const name = rawName.toLowerCase();
      if (!ALLOWED_TAGS.has(name)) return { error: `Unsupported start tag "${name}" at byte offset ${i}` };
      if (slash) {
        const open = stack.pop();
        if (open !== name) return { error: `Can't find end tag corresponding to start tag "${open ?? name}"` };
      } else {
        stack.push(name);
      }
      i += whole.length;
    } else if (ch === '&') {
      const entity = /^&(lt|gt|amp|quot|#\d+|#x[0-9a-fA-F]+);/.exec(html.slice(i));
      if (!entity) return { error: `Can't find end of the entity starting at byte offset ${i}` };
      const name = entity[1] ?? '';
      text +=
        name === 'lt' ? '<' : name === 'gt' ? '>' : name === 'amp' ? '&' : name === 'quot' ? '"'
        : String.fromCodePoint(name.startsWith('#x') ? parseInt(name.slice(2), 16) : parseInt(name.slice(1), 10));
      i += entity[0].length;
    } else if (ch === '>') {
      return { error: `Unexpected end of name token at byte offset ${i}` };
    } else {
      text += ch;
      i++;
    }
  }
  if (stack.length > 0) return { error: `Can't find end tag corresponding to start tag "${stack[stack.length - 1] ?? ''}"` };
  return { text };
}
