import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { test } from 'node:test';
import { computeHmacSignature, safeEqual, verifyWebhookAuth } from '../../src/workers/scheduler/webhook-auth.js';

const body = (text: string) => Buffer.from(text, 'utf8');

test("GitHub's published HMAC test vector is accepted", () => {
  // docs.github.com "Validating webhook deliveries": secret, payload and expected signature.
  const hook = { auth_mode: 'hmac' as const, hmac_secret: "It's a Secret to Everybody", hmac_header: 'X-Hub-Signature-256' };
  const headers = { 'x-hub-signature-256': 'sha256=757107ea0eb2509fc211221cce984b8a37570b6d7586c22c46f4379c8b043e17' };
  assert.deepEqual(verifyWebhookAuth(headers, body('Hello, World!'), hook), { ok: true });
  assert.deepEqual(verifyWebhookAuth(headers, body('Hello, World?'), hook), { ok: false, reason: 'invalid_signature' });
});

test('Shopify style: base64, no prefix', () => {
  const secret = 'shpss_abc';
  const payload = '{"id":1}';
  const hook = { auth_mode: 'hmac' as const, hmac_secret: secret, hmac_header: 'X-Shopify-Hmac-Sha256', hmac_encoding: 'base64' as const, hmac_sig_prefix: '' };
  const sig = createHmac('sha256', secret).update(payload).digest('base64');
  assert.deepEqual(verifyWebhookAuth({ 'x-shopify-hmac-sha256': sig }, body(payload), hook), { ok: true });
});

test('Twilio style: sha1 and sha512 algorithms; unknown algorithms fall back to sha256', () => {
  const secret = 'tw-secret';
  const payload = '{"a":1}';
  const sha1 = createHmac('sha1', secret).update(payload).digest('base64');
  const hook = { auth_mode: 'hmac' as const, hmac_secret: secret, hmac_header: 'X-Twilio-Signature', hmac_algorithm: 'sha1', hmac_encoding: 'base64' as const, hmac_sig_prefix: '' };
  assert.deepEqual(verifyWebhookAuth({ 'x-twilio-signature': sha1 }, body(payload), hook), { ok: true });
  assert.equal(computeHmacSignature(secret, payload, 'sha512'), createHmac('sha512', secret).update(payload).digest('hex'));
  assert.equal(computeHmacSignature(secret, payload, 'md5'), createHmac('sha256', secret).update(payload).digest('hex'));
});

test('upper-case hex signatures are accepted; a broken hook regex refuses the request', () => {
  const secret = 's3cr3t';
  const payload = '{}';
  const sig = createHmac('sha256', secret).update(payload).digest('hex').toUpperCase();
  const hook = { auth_mode: 'hmac' as const, hmac_secret: secret, hmac_header: 'X-Sig' };
  assert.deepEqual(verifyWebhookAuth({ 'x-sig': `sha256=${sig}` }, body(payload), hook), { ok: true });
  assert.deepEqual(
    verifyWebhookAuth({ 'x-sig': sig }, body(payload), { ...hook, hmac_sig_regex: '(' }),
    { ok: false, reason: 'invalid_hook_regex' },
  );
});

test('hmac without a secret or header configured is refused', () => {
  assert.deepEqual(verifyWebhookAuth({ 'x-sig': 'a' }, body('{}'), { auth_mode: 'hmac', hmac_header: 'X-Sig' }), {
    ok: false,
    reason: 'no_secret_configured',
  });
});

test('bearer reasons name what failed without echoing values', () => {
  const hook = { token: 'tok-123456' };
  assert.deepEqual(verifyWebhookAuth({}, body('{}'), hook), { ok: false, reason: 'missing_authorization' });
  assert.deepEqual(verifyWebhookAuth({ authorization: 'Bearer nope' }, body('{}'), hook), { ok: false, reason: 'invalid_token' });
  assert.deepEqual(verifyWebhookAuth({ authorization: 'bearer tok-123456' }, body('{}'), hook), { ok: true });
  assert.deepEqual(verifyWebhookAuth({ authorization: 'Bearer x' }, body('{}'), {}, ''), { ok: false, reason: 'no_token_configured' });
});

test('safeEqual compares strings of any length', () => {
  assert.equal(safeEqual('abc', 'abc'), true);
  assert.equal(safeEqual('abc', 'abcd'), false);
  assert.equal(safeEqual('', 'a'), false);
});
