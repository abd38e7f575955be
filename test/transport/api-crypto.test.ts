/** The API's sealed channel and token compare, without a server. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import nacl from 'tweetnacl';
import { SealedChannel, decodeBase64, secretsEqual } from '../../src/workers/transport/api/crypto.js';

function pair(): { server: SealedChannel; client: nacl.BoxKeyPair; sealForServer: (m: unknown, nonce?: Uint8Array) => string } {
  const client = nacl.box.keyPair();
  const server = new SealedChannel(client.publicKey);
  const sealForServer = (m: unknown, nonce = nacl.randomBytes(24)) =>
    Buffer.concat([nonce, nacl.box(Buffer.from(JSON.stringify(m)), nonce, server.serverPublicKey, client.secretKey)]).toString('base64');
  return { server, client, sealForServer };
}

test('a client frame opens; the server frame opens with the client key', () => {
  const { server, client, sealForServer } = pair();
  assert.deepEqual(server.open(sealForServer({ type: 'message', text: 'hi' })), { type: 'message', text: 'hi' });
  const bytes = decodeBase64(server.seal({ type: 'text_delta', data: 'x' }))!;
  const plain = nacl.box.open(bytes.subarray(24), bytes.subarray(0, 24), server.serverPublicKey, client.secretKey);
  assert.deepEqual(JSON.parse(Buffer.from(plain!).toString()), { type: 'text_delta', data: 'x' });
});

test('tampered, truncated, foreign, non-base64 and replayed frames are refused', () => {
  const { server, sealForServer } = pair();
  const frame = Buffer.from(sealForServer({ type: 'abort' }), 'base64');
  const flipped = Buffer.from(frame);
  flipped[30]! ^= 0x80;
  assert.equal(server.open(flipped.toString('base64')), null);
  assert.equal(server.open(frame.subarray(0, 30).toString('base64')), null);
  assert.equal(server.open(pair().sealForServer({ type: 'abort' })), null, 'sealed for another connection');
  assert.equal(server.open('not base64!'), null);
  const nonce = nacl.randomBytes(24);
  assert.deepEqual(server.open(sealForServer({ type: 'abort' }, nonce)), { type: 'abort' });
  assert.equal(server.open(sealForServer({ type: 'abort' }, nonce)), null, 'a replayed nonce');
});

test('tokens compare by value only, and an empty configured token never matches', () => {
  assert.equal(secretsEqual('abc', 'abc'), true);
  assert.equal(secretsEqual('abd', 'abc'), false);
  assert.equal(secretsEqual('abcd', 'abc'), false);
  assert.equal(secretsEqual('', ''), false);
});
