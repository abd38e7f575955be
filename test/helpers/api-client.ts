/** A WebSocket API client for tests: speaks the protocol (auth, sealed frames) and keeps every frame it received. */
import assert from 'node:assert/strict';
import { once } from 'node:events';
import nacl from 'tweetnacl';
import WebSocket from 'ws';
import { waitFor } from './wait-for.js';

export type Frame = { type: string; [key: string]: unknown };

/** A client that speaks the protocol: collects every frame (plaintext before auth_ok, decrypted after). */
export class ApiClient {
  readonly frames: Frame[] = [];
  readonly keys = nacl.box.keyPair();
  serverKey: Uint8Array | null = null;
  closeCode: number | null = null;
  readonly ws: WebSocket;
  readonly opened: Promise<unknown>;

  constructor(port: number) {
    this.ws = new WebSocket(`ws://127.0.0.1:${port}/ws`);
    this.opened = once(this.ws, 'open');
    this.ws.on('message', (data) => {
      const text = data.toString();
      if (!this.serverKey) {
        const frame = JSON.parse(text) as Frame;
        if (frame.type === 'auth_ok') this.serverKey = new Uint8Array(Buffer.from(frame.e2e_pk as string, 'base64'));
        this.frames.push(frame);
        return;
      }
      const bytes = new Uint8Array(Buffer.from(text, 'base64'));
      const plain = nacl.box.open(bytes.subarray(24), bytes.subarray(0, 24), this.serverKey, this.keys.secretKey);
      assert.ok(plain, 'every server frame after auth_ok opens with our key');
      this.frames.push(JSON.parse(Buffer.from(plain).toString('utf8')) as Frame);
    });
    this.ws.on('close', (code) => (this.closeCode = code));
  }

  async auth(token: string, extra: Record<string, unknown> = {}): Promise<void> {
    await this.opened;
    this.ws.send(JSON.stringify({ type: 'auth', token, e2e_pk: Buffer.from(this.keys.publicKey).toString('base64'), ...extra }));
  }

  seal(message: unknown): string {
    const nonce = nacl.randomBytes(24);
    const box = nacl.box(Buffer.from(JSON.stringify(message)), nonce, this.serverKey!, this.keys.secretKey);
    return Buffer.concat([nonce, box]).toString('base64');
  }

  send(message: unknown): void {
    this.ws.send(this.seal(message));
  }

  /** Connects and authenticates; resolves once the server's key arrived. */
  static async connect(port: number, token: string, extra: Record<string, unknown> = {}): Promise<ApiClient> {
    const client = new ApiClient(port);
    await client.auth(token, extra);
    await waitFor(() => client.serverKey !== null, { timeoutMs: 10_000, message: 'auth_ok' });
    return client;
  }

  of(type: string): Frame[] {
    return this.frames.filter((f) => f.type === type);
  }
}

export type ApiButton = { id?: string; label: string; url?: string };
