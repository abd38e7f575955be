/**
 * The API's end-to-end layer: after the plaintext auth frame every WebSocket frame is
 * `base64(24-byte nonce ‖ NaCl box)` (X25519 + XSalsa20-Poly1305). A box that does not open —
 * wrong key, flipped bit, truncated — is refused as a whole; nothing of it is ever parsed.
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import nacl from 'tweetnacl';

export const PUBLIC_KEY_BYTES = nacl.box.publicKeyLength;
const NONCE_BYTES = nacl.box.nonceLength;
/** How many nonces of one connection are remembered to refuse a replayed frame. */
const REMEMBERED_NONCES = 10_000;

/** Strict base64 (standard alphabet, padded): `Buffer.from` would silently skip junk. */
export function decodeBase64(text: string): Uint8Array | null {
  if (text.length === 0 || text.length % 4 !== 0 || !/^[A-Za-z0-9+/]+={0,2}$/.test(text)) return null;
  return new Uint8Array(Buffer.from(text, 'base64'));
}

export function encodeBase64(bytes: Uint8Array): string {
  return Buffer.from(bytes).toString('base64');
}

/** Compares secrets in constant time; hashing first makes unequal lengths take the same path. */
export function secretsEqual(given: string, expected: string): boolean {
  const a = createHash('sha256').update(given, 'utf8').digest();
  const b = createHash('sha256').update(expected, 'utf8').digest();
  return timingSafeEqual(a, b) && expected.length > 0;
}

/** One connection's box: a fresh server key pair per connection, the shared key computed once. */
export class SealedChannel {
  readonly serverPublicKey: Uint8Array;
  private readonly sharedKey: Uint8Array;
  private readonly seenNonces = new Set<string>();

  constructor(clientPublicKey: Uint8Array) {
    const pair = nacl.box.keyPair();
    this.serverPublicKey = pair.publicKey;
    this.sharedKey = nacl.box.before(clientPublicKey, pair.secretKey);
    pair.secretKey.fill(0);
  }

  seal(message: unknown): string {
    const nonce = nacl.randomBytes(NONCE_BYTES);
    const box = nacl.box.after(new TextEncoder().encode(JSON.stringify(message)), nonce, this.sharedKey);
    const frame = new Uint8Array(NONCE_BYTES + box.length);
    frame.set(nonce, 0);
    frame.set(box, NONCE_BYTES);
    return encodeBase64(frame);
  }

  /** The decrypted JSON value, or null when the frame is malformed, forged, tampered or replayed. */
  open(frame: string): unknown {
    const bytes = decodeBase64(frame.trim());
    if (!bytes || bytes.length < NONCE_BYTES + nacl.box.overheadLength) return null;
    const nonce = bytes.subarray(0, NONCE_BYTES);
    const plain = nacl.box.open.after(bytes.subarray(NONCE_BYTES), nonce, this.sharedKey);
    if (!plain) return null;
    const nonceKey = encodeBase64(nonce);
    if (this.seenNonces.has(nonceKey)) return null;
    if (this.seenNonces.size >= REMEMBERED_NONCES) this.seenNonces.delete(this.seenNonces.values().next().value!);
    this.seenNonces.add(nonceKey);
    try {
      return JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(plain)) as unknown;
    } catch {
      return null;
    }
  }
}
