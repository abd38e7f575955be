/**
 * One WebSocket client: the plaintext auth frame first (bounded in time), then only sealed frames.
 * Anything that is not a valid frame in the current state ends the connection — a client that
 * cannot speak the protocol gets no second guess at the token or the box.
 */
import type { WebSocket, RawData } from 'ws';
import type { Logger } from '../../../shared/log/logger.js';
import { SealedChannel, decodeBase64, secretsEqual } from './crypto.js';
import {
  AuthFrameSchema, CLOSE_AUTH_FAILED, CLOSE_AUTH_TIMEOUT, CLOSE_BAD_FRAME, ClientFrameSchema,
  type AuthFrame, type ClientFrame, type ServerFrame,
} from './protocol.js';

const AUTH_TIMEOUT_MS = 10_000;

export type SessionRef = { chatId: number; topicId: number | null };

export type ConnectionHooks = {
  /** The configured token (read per attempt so a restart-free token change would apply). */
  token: () => string;
  /** Chooses the session and the rest of `auth_ok` for an authenticated client. */
  accept: (auth: AuthFrame) => { session: SessionRef; welcome: Record<string, unknown> };
  attached: (connection: ApiConnection) => void;
  detached: (connection: ApiConnection) => void;
  frame: (connection: ApiConnection, frame: ClientFrame) => void;
  log: Logger;
};

export class ApiConnection {
  private channel: SealedChannel | null = null;
  private sessionRef: SessionRef | null = null;
  private readonly authTimer: NodeJS.Timeout;

  constructor(private readonly socket: WebSocket, private readonly hooks: ConnectionHooks) {
    this.authTimer = setTimeout(() => this.refuse(CLOSE_AUTH_TIMEOUT, 'auth_timeout', 'no auth frame in time'), AUTH_TIMEOUT_MS);
    this.authTimer.unref();
    socket.on('message', (data, isBinary) => this.receive(data, isBinary));
    socket.on('close', () => {
      clearTimeout(this.authTimer);
      if (this.sessionRef) hooks.detached(this);
    });
    socket.on('error', (error) => hooks.log.debug({ err: error }, 'api socket error'));
  }

  get session(): SessionRef | null {
    return this.sessionRef;
  }

  send(frame: ServerFrame): void {
    if (!this.channel || this.socket.readyState !== this.socket.OPEN) return;
    this.socket.send(this.channel.seal(frame));
  }

  close(code: number, reason: string): void {
    this.socket.close(code, reason);
  }

  private receive(data: RawData, isBinary: boolean): void {
    const text = isBinary ? null : Buffer.isBuffer(data) ? data.toString('utf8') : Buffer.concat(data as Buffer[]).toString('utf8');
    if (text === null) return this.refuse(CLOSE_BAD_FRAME, 'bad_frame', 'frames are text');
    if (!this.channel) return this.authenticate(text);
    const parsed = ClientFrameSchema.safeParse(this.channel.open(text));
    if (!parsed.success) {
      // A frame that does not open under the session key was forged or altered on the way.
      this.hooks.log.warn({ chat: this.sessionRef?.chatId }, 'api frame refused: it does not decrypt to a valid message');
      return this.refuse(CLOSE_BAD_FRAME, 'bad_frame', 'frame did not decrypt to a valid message');
    }
    this.hooks.frame(this, parsed.data);
  }

  private authenticate(text: string): void {
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch {
      return this.refuse(CLOSE_AUTH_FAILED, 'auth_failed', 'the first frame must be the auth frame');
    }
    const auth = AuthFrameSchema.safeParse(json);
    if (!auth.success) return this.refuse(CLOSE_AUTH_FAILED, 'auth_failed', 'the first frame must be the auth frame');
    if (!secretsEqual(auth.data.token, this.hooks.token())) {
      this.hooks.log.warn('api client refused: wrong token');
      return this.refuse(CLOSE_AUTH_FAILED, 'auth_failed', 'invalid token');
    }
    clearTimeout(this.authTimer);
    const { session, welcome } = this.hooks.accept(auth.data);
    this.channel = new SealedChannel(decodeBase64(auth.data.e2e_pk)!);
    this.sessionRef = session;
    // The only other plaintext frame: the client needs the server key before it can open anything.
    this.socket.send(JSON.stringify({ type: 'auth_ok', chat_id: session.chatId, ...welcome, e2e_pk: Buffer.from(this.channel.serverPublicKey).toString('base64') }));
    this.hooks.attached(this);
  }

  /** Errors before the channel exists are plaintext (the client has no key yet); after, they are sealed. */
  private refuse(closeCode: number, code: string, message: string): void {
    const frame: ServerFrame = { type: 'error', code, message };
    if (this.socket.readyState === this.socket.OPEN) this.socket.send(this.channel ? this.channel.seal(frame) : JSON.stringify(frame));
    this.socket.close(closeCode, code);
  }
}
