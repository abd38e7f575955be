/**
 * The WebSocket API as a ChatTransport. It serves the main agent: each
 * authenticated client joins the session `api:<chat_id>:<channel_id>`, its messages become
 * Inbounds exactly like Telegram's, and the agent's stream and deliveries come back as sealed
 * frames to every client of that session. Bound to 127.0.0.1 unless `api.host` says otherwise.
 */
import { randomUUID } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import { basename, extname } from 'node:path';
import type { Socket } from 'node:net';
import { WebSocketServer } from 'ws';
import type { Config } from '../../../shared/config/schema.js';
import { agentPaths } from '../../../shared/paths.js';
import { encodeCallback } from '../../../shared/callbacks/callback-data.js';
import { makeInbound, type Button, type ChatRef, type Delivery, type Inbound, type StreamEvent } from '../../../shared/rpc/conversation-schemas.js';
import { agentTarget } from '../../../shared/rpc/targets.js';
import { configOfAgent } from '../../../shared/worker/effective-config.js';
import { CLAUDE_ALIASES, CODEX_FALLBACK_MODELS, GEMINI_ALIASES, providerForModel } from '../../../shared/models.js';
import { extractButtons } from '../button-markers.js';
import type { ChatTransport, DeliveryResult, QueueUpdate, TransportContext } from '../transport.js';
import { ApiConnection, type SessionRef } from './connection.js';
import { CLOSE_SHUTDOWN, type ClientFrame, type ServerFrame } from './protocol.js';
import { ShownMessages } from './shown-messages.js';

/** The API talks to the main agent only; sub-agents keep their own bots. */
const API_AGENT = 'main';
const ACK_TIMEOUT_MS = 15_000;
/** Text frames up to 100k characters, sealed and base64'd, stay well below this. */
const MAX_FRAME_BYTES = 1024 * 1024;
const REMEMBERED_DELIVERIES = 1_000;
const IMAGE_EXTENSIONS = new Set(['.png', '.jpg', '.jpeg', '.gif', '.webp', '.bmp']);
const LOOPBACK = new Set(['127.0.0.1', '::1', 'localhost']);

const sessionKey = (s: SessionRef): string => `${s.chatId}:${s.topicId ?? ''}`;
const chatOf = (s: SessionRef): ChatRef => ({ transport: 'api', chatId: s.chatId, topicId: s.topicId });

export class ApiTransport implements ChatTransport {
  readonly id = 'api' as const;
  private http: Server | null = null;
  private wss: WebSocketServer | null = null;
  private readonly sessions = new Map<string, Set<ApiConnection>>();
  /** Text streamed per turn, to tell the client whether the result repeats it (`stream_fallback`). */
  private readonly streamed = new Map<string, string>();
  /** The turn running in each session, for `abort_ok.killed`. */
  private readonly running = new Map<string, string>();
  private readonly delivered = new Set<string>();
  private readonly shown = new ShownMessages();
  private listening: { host: string; port: number } | null = null;

  constructor(private readonly ctx: TransportContext) {}

  private config(): Config {
    return configOfAgent(this.ctx.configs(), API_AGENT, this.ctx.home);
  }

  /** Where the server listens, once it does (tests and the start log). */
  get address(): { host: string; port: number } | null {
    return this.listening;
  }

  async start(): Promise<void> {
    const { api } = this.config();
    if (!api.enabled) return;
    if (api.token === '') {
      this.ctx.log.error('api.enabled is set but api.token is empty; run `ductor api enable` to generate one. The API stays off.');
      return;
    }
    const workspace = agentPaths(this.ctx.home).workspace;
    this.wss = new WebSocketServer({ noServer: true, maxPayload: MAX_FRAME_BYTES });
    // Loaded here, not at the top: express is a sixth of the transport's code and most homes run no API.
    const { createApiApp } = await import('./http-routes.js');
    this.http = createServer(
      createApiApp({
        token: () => this.config().api.token,
        workspace: () => workspace,
        fileAccess: () => this.config().file_access,
        connections: () => this.connectionCount(),
        onError: (error, req) => this.ctx.log.warn({ err: error, path: req.url?.split('?')[0] }, 'api request failed'),
      }),
    );
    this.http.on('upgrade', (req, socket: Socket, head) => {
      if (new URL(req.url ?? '/', 'http://api.local').pathname !== '/ws') {
        socket.end('HTTP/1.1 404 Not Found\r\nconnection: close\r\n\r\n');
        return;
      }
      this.wss!.handleUpgrade(req, socket, head, (ws) => this.connect(ws));
    });
    await new Promise<void>((resolve, reject) => {
      this.http!.once('error', reject);
      this.http!.listen(api.port, api.host, () => resolve());
    });
    this.listening = { host: api.host, port: api.port };
    this.ctx.log.info({ host: api.host, port: api.port }, 'WebSocket API listening');
    if (!LOOPBACK.has(api.host) && !api.allow_public) {
      this.ctx.log.warn({ host: api.host }, 'the API listens beyond loopback; keep it on a private network (e.g. Tailscale) or set api.allow_public to silence this');
    }
  }

  async stop(): Promise<void> {
    for (const set of this.sessions.values()) for (const c of set) c.close(CLOSE_SHUTDOWN, 'shutdown');
    this.wss?.close();
    const http = this.http;
    this.http = null;
    if (http) {
      http.closeAllConnections();
      await new Promise<void>((resolve) => http.close(() => resolve()));
    }
  }

  /** Host, port and token are restart keys: nothing to apply live. */
  async configChanged(): Promise<void> {}

  stream(agent: string, turnId: string, chat: ChatRef, _replyTo: number | null, events: StreamEvent[]): void {
    if (agent !== API_AGENT) return;
    for (const event of events) {
      if (event.kind === 'text') {
        this.streamed.set(turnId, (this.streamed.get(turnId) ?? '') + event.text);
        this.broadcast(chat, { type: 'text_delta', data: event.text });
      } else if (event.kind === 'tool') this.broadcast(chat, { type: 'tool_activity', data: event.name });
      else if (event.kind === 'thinking') this.broadcast(chat, { type: 'system_status', data: 'thinking' });
      else this.broadcast(chat, { type: 'system_status', data: event.text });
    }
  }

  async deliver(agent: string, delivery: Delivery): Promise<DeliveryResult> {
    if (this.delivered.has(delivery.deliveryId)) return { messageIds: [], duplicate: true };
    this.remember(delivery.deliveryId);
    const streamed = delivery.turnId ? this.streamed.get(delivery.turnId) ?? '' : '';
    if (delivery.turnId) {
      this.streamed.delete(delivery.turnId);
      const key = sessionKey(delivery.chat);
      if (this.running.get(key) === delivery.turnId) this.running.delete(key);
    }
    if (agent !== API_AGENT) return { messageIds: [], duplicate: false };
    const session = sessionKey(delivery.chat);
    // A model's `[button:…]` markers become buttons, as on Telegram; the text loses them.
    const markers = delivery.format === 'markdown' ? extractButtons(delivery.text) : { text: delivery.text, keyboard: undefined };
    const buttons: Button[][] = [
      ...(markers.keyboard?.inline_keyboard ?? []).map((row) => row.map((b) => ({ label: b.text, data: encodeCallback('answerButton', b.text) }))),
      ...delivery.buttons,
    ];
    // An approval's answer, a selector's next step: shown in the message it replaces.
    const edited = delivery.files.length > 0 ? undefined : this.shown.messageOf(session, delivery.replaces !== undefined ? { deliveryId: delivery.replaces } : { messageId: delivery.editsMessage });
    if (edited !== undefined) {
      this.broadcast(delivery.chat, { type: 'message_update', message_id: edited, text: markers.text, buttons: this.shown.update(edited, markers.text, buttons, delivery.deliveryId) });
      return { messageIds: [edited], duplicate: false };
    }
    const shown = this.shown.show(session, delivery.deliveryId, markers.text, buttons);
    this.broadcast(delivery.chat, {
      type: 'result',
      message_id: shown.messageId,
      text: markers.text,
      // True when the final text is not what was streamed: the client should replace, not keep, the stream.
      stream_fallback: streamed.trim() !== markers.text.trim(),
      files: delivery.files.map((path) => ({ path, name: basename(path), is_image: IMAGE_EXTENSIONS.has(extname(path).toLowerCase()) })),
      kind: delivery.kind,
      buttons: shown.buttons,
    });
    return { messageIds: [shown.messageId], duplicate: false };
  }

  queueUpdate(agent: string, update: QueueUpdate): void {
    if (agent !== API_AGENT) return;
    const key = sessionKey(update.chat);
    if (update.outcome === 'started' && update.turnId) this.running.set(key, update.turnId);
    else if (update.outcome !== 'started') this.broadcast(update.chat, { type: 'system_status', data: `queued message ${update.outcome}` });
  }

  /** Reaches the primary chat's connected clients; 0 when none is connected. */
  async notifyPrimary(agent: string, text: string): Promise<number> {
    if (agent !== API_AGENT || !this.http) return 0;
    const clients = this.sessions.get(sessionKey({ chatId: this.defaultChatId(), topicId: null }));
    for (const c of clients ?? []) c.send({ type: 'system_status', data: text });
    return clients?.size ?? 0;
  }

  private connectionCount(): number {
    let n = 0;
    for (const set of this.sessions.values()) n += set.size;
    return n;
  }

  private defaultChatId(): number {
    const config = this.config();
    return config.api.chat_id !== 0 ? config.api.chat_id : config.allowed_user_ids[0] ?? 1;
  }

  private connect(ws: import('ws').WebSocket): void {
    new ApiConnection(ws, {
      token: () => this.config().api.token,
      log: this.ctx.log,
      accept: (auth) => {
        const config = this.config();
        const session = { chatId: auth.chat_id ?? this.defaultChatId(), topicId: auth.channel_id ?? null };
        const provider = providerForModel(config.model);
        return {
          session,
          welcome: {
            providers: [
              { id: 'claude', name: 'Claude', color: '#d97757', models: CLAUDE_ALIASES },
              { id: 'codex', name: 'Codex', color: '#10a37f', models: CODEX_FALLBACK_MODELS },
              { id: 'gemini', name: 'Gemini', color: '#4285f4', models: GEMINI_ALIASES },
            ],
            active_provider: provider,
            active_model: config.model,
          },
        };
      },
      attached: (c) => {
        const key = sessionKey(c.session!);
        const set = this.sessions.get(key) ?? new Set<ApiConnection>();
        set.add(c);
        this.sessions.set(key, set);
      },
      detached: (c) => {
        const key = sessionKey(c.session!);
        this.sessions.get(key)?.delete(c);
        if (this.sessions.get(key)?.size === 0) this.sessions.delete(key);
      },
      frame: (c, frame) => void this.onFrame(c, frame).catch((error: unknown) => {
        this.ctx.log.warn({ err: error }, 'api message not handed to the agent');
        c.send({ type: 'error', code: 'agent_unavailable', message: 'the agent did not accept the message; try again' });
      }),
    });
  }

  private async onFrame(c: ApiConnection, frame: ClientFrame): Promise<void> {
    const session = c.session!;
    if (frame.type === 'press') return this.press(c, session, frame.message_id, frame.button_id);
    const isStop = frame.type === 'abort' || frame.text.trim() === '/stop';
    const killed = isStop && this.running.has(sessionKey(session)) ? 1 : 0;
    const ack = await this.handToAgent(session, frame.type === 'abort' ? '/stop' : frame.text);
    if (isStop) c.send({ type: 'abort_ok', killed });
    else if (ack.queuedBehind > 0) c.send({ type: 'system_status', data: `queued behind ${ack.queuedBehind}` });
  }

  /**
   * A button press goes to the agent as a callback, exactly like a Telegram press; a model's
   * choice is claimed first (one press, one turn) and shown in its message once the agent has it.
   */
  private async press(c: ApiConnection, session: SessionRef, messageId: number, buttonId: string): Promise<void> {
    const outcome = this.shown.press(sessionKey(session), messageId, buttonId);
    if (outcome.kind === 'unknown') return c.send({ type: 'error', code: 'unknown_button', message: 'no such button in a message shown to this session' });
    if (outcome.kind === 'answered') return c.send({ type: 'error', code: 'already_answered', message: 'this choice was already answered' });
    try {
      await this.handToAgent(session, outcome.data, { kind: 'callback', messageId });
    } catch (error) {
      if (outcome.answer) this.shown.release(messageId);
      throw error;
    }
    if (outcome.answer) {
      this.shown.update(messageId, outcome.answer.text, []);
      this.broadcast(chatOf(session), { type: 'message_update', message_id: messageId, text: outcome.answer.text, buttons: [] });
    }
    c.send({ type: 'press_ok', message_id: messageId, button_id: buttonId });
  }

  private handToAgent(session: SessionRef, text: string, press?: Pick<Inbound, 'kind' | 'messageId'>): Promise<{ accepted: boolean; queuedBehind: number }> {
    const inbound = makeInbound({
      id: `api:${session.chatId}:${session.topicId ?? ''}:${randomUUID()}`,
      chat: chatOf(session),
      userId: session.chatId,
      chatType: session.chatId < 0 ? 'group' : 'private',
      text,
      ...press,
    });
    return this.ctx.peer.request('inbound', inbound, { target: agentTarget(API_AGENT), timeoutMs: ACK_TIMEOUT_MS });
  }

  private broadcast(chat: ChatRef, frame: ServerFrame): void {
    for (const c of this.sessions.get(sessionKey(chat)) ?? []) c.send(frame);
  }

  private remember(deliveryId: string): void {
    if (this.delivered.size >= REMEMBERED_DELIVERIES) this.delivered.delete(this.delivered.values().next().value!);
    this.delivered.add(deliveryId);
  }
}
