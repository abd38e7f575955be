import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { test, type TestContext } from 'node:test';
import { WebhookSchema, type Webhook } from '../../src/shared/automation/cron-jobs-file.js';
import type { SchedulerLog } from '../../src/workers/scheduler/scheduler-log.js';
import { startWebhookServer, type TriggerRecord, type WebhookServerOptions } from '../../src/workers/scheduler/webhook-server.js';
import { waitFor } from '../helpers/wait-for.js';

const BEARER = 'bearer-secret-9f8e7d6c5b4a';
const GLOBAL = 'global-secret-0a1b2c3d4e5f';
const GITHUB_SECRET = 'github-hmac-secret-112233';
const STRIPE_SECRET = 'whsec_stripe-secret-445566';

function hook(fields: Partial<Webhook> & { id: string }): Webhook {
  return WebhookSchema.parse({ mode: 'wake', prompt_template: 'x', ...fields });
}

const HOOKS: Webhook[] = [
  hook({ id: 'bearer', token: BEARER }),
  hook({ id: 'global-token' }),
  hook({ id: 'off', token: BEARER, enabled: false }),
  hook({ id: 'github', auth_mode: 'hmac', hmac_secret: GITHUB_SECRET, hmac_header: 'X-Hub-Signature-256' }),
  hook({
    id: 'stripe',
    auth_mode: 'hmac',
    hmac_secret: STRIPE_SECRET,
    hmac_header: 'Stripe-Signature',
    hmac_sig_prefix: '',
    hmac_sig_regex: 'v1=([a-f0-9]+)',
    hmac_payload_prefix_regex: 't=(\\d+)',
  }),
];

function capturingLog(): { log: SchedulerLog; lines: string[] } {
  const lines: string[] = [];
  const write = (level: string) => (obj: object, msg: string) => lines.push(JSON.stringify({ level, ...obj, msg }));
  return { log: { debug: write('debug'), info: write('info'), warn: write('warn'), error: write('error') }, lines };
}

async function start(t: TestContext, overrides: Partial<WebhookServerOptions> = {}) {
  const dispatched: Array<{ id: string; payload: Record<string, unknown> }> = [];
  const records: Array<{ id: string; record: TriggerRecord }> = [];
  const { log, lines } = capturingLog();
  const server = await startWebhookServer({
    host: '127.0.0.1',
    port: 0,
    globalToken: () => GLOBAL,
    getHook: (id) => HOOKS.find((h) => h.id === id),
    dispatch: async (h, payload) => {
      dispatched.push({ id: h.id, payload });
      return 'success';
    },
    recordTrigger: (h, record) => {
      records.push({ id: h.id, record });
    },
    log,
    ...overrides,
  });
  t.after(() => server.close());
  const post = (id: string, body: string | Buffer, headers: Record<string, string> = {}) =>
    fetch(`${server.url}/hooks/${id}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...headers },
      body,
    });
  return { server, post, dispatched, records, lines };
}

test('GET /health answers ok', async (t) => {
  const { server } = await start(t);
  const res = await fetch(`${server.url}/health`);
  assert.equal(res.status, 200);
  assert.deepEqual(await res.json(), { status: 'ok' });
});

test('a valid bearer request is accepted with 202, dispatched and recorded', async (t) => {
  const { post, dispatched, records } = await start(t);
  const res = await post('bearer', JSON.stringify({ event: 'push' }), { authorization: `Bearer ${BEARER}` });
  assert.equal(res.status, 202);
  assert.deepEqual(await res.json(), { accepted: true, hook_id: 'bearer' });
  await waitFor(() => records.length === 1, { message: 'trigger recorded' });
  assert.deepEqual(dispatched, [{ id: 'bearer', payload: { event: 'push' } }]);
  assert.equal(records[0]?.record.status, 'success');
});

test('the reply does not wait for the dispatch', async (t) => {
  let finish: (status: string) => void = () => undefined;
  const { post, server, records } = await start(t, {
    dispatch: () => new Promise<string>((resolve) => (finish = resolve)),
  });
  const res = await post('bearer', '{}', { authorization: `Bearer ${BEARER}` });
  assert.equal(res.status, 202);
  assert.equal(records.length, 0, 'nothing recorded while the dispatch still runs');
  finish('error:no_response');
  await server.idle();
  assert.equal(records[0]?.record.status, 'error:no_response');
});

test('a dispatch that throws is recorded as error:exception', async (t) => {
  const { post, server, records } = await start(t, {
    dispatch: async () => {
      throw new Error('agent gone');
    },
  });
  assert.equal((await post('bearer', '{}', { authorization: `Bearer ${BEARER}` })).status, 202);
  await server.idle();
  assert.equal(records[0]?.record.status, 'error:exception');
});

test('a hook without its own token accepts the global token', async (t) => {
  const { post } = await start(t);
  assert.equal((await post('global-token', '{}', { authorization: `Bearer ${GLOBAL}` })).status, 202);
  assert.equal((await post('global-token', '{}', { authorization: `Bearer ${BEARER}` })).status, 401);
});

test('a missing or wrong bearer token is refused with 401', async (t) => {
  const { post, dispatched } = await start(t);
  const missing = await post('bearer', '{}');
  assert.equal(missing.status, 401);
  assert.deepEqual(await missing.json(), { error: 'unauthorized' });
  assert.equal((await post('bearer', '{}', { authorization: `Bearer ${BEARER}x` })).status, 401);
  assert.equal((await post('bearer', '{}', { authorization: 'Bearer short' })).status, 401);
  assert.equal((await post('bearer', '{}', { authorization: BEARER })).status, 401, 'the scheme is required');
  assert.equal(dispatched.length, 0);
});

test('a request with no token configured anywhere is refused', async (t) => {
  const { post } = await start(t, { globalToken: () => '' });
  assert.equal((await post('global-token', '{}', { authorization: 'Bearer anything' })).status, 401);
});

test("GitHub's X-Hub-Signature-256 works as-is", async (t) => {
  const { post, dispatched } = await start(t);
  const body = JSON.stringify({ zen: 'Keep it logically awesome.', hook_id: 1 });
  const signature = `sha256=${createHmac('sha256', GITHUB_SECRET).update(body).digest('hex')}`;
  assert.equal((await post('github', body, { 'x-hub-signature-256': signature })).status, 202);
  const tampered = body.replace('awesome', 'awful');
  assert.equal((await post('github', tampered, { 'x-hub-signature-256': signature })).status, 401);
  assert.equal((await post('github', body)).status, 401, 'missing signature header');
  await waitFor(() => dispatched.length === 1);
});

test("Stripe's t=…,v1=… signature over `t.` + body works as-is", async (t) => {
  const { post, dispatched } = await start(t);
  const body = JSON.stringify({ id: 'evt_1', type: 'payment_intent.succeeded' });
  const timestamp = '1700000000';
  const v1 = createHmac('sha256', STRIPE_SECRET).update(`${timestamp}.${body}`).digest('hex');
  const header = `t=${timestamp},v1=${v1},v0=deadbeef`;
  assert.equal((await post('stripe', body, { 'stripe-signature': header })).status, 202);
  const wrongTime = `t=1700000001,v1=${v1}`;
  assert.equal((await post('stripe', body, { 'stripe-signature': wrongTime })).status, 401);
  assert.equal((await post('stripe', body, { 'stripe-signature': 't=1700000000' })).status, 401);
  await waitFor(() => dispatched.length === 1);
});

test('an unknown hook is 404 and a disabled hook is 403', async (t) => {
  const { post } = await start(t);
  const unknown = await post('nope', '{}', { authorization: `Bearer ${BEARER}` });
  assert.equal(unknown.status, 404);
  assert.deepEqual(await unknown.json(), { error: 'hook_not_found' });
  const disabled = await post('off', '{}', { authorization: `Bearer ${BEARER}` });
  assert.equal(disabled.status, 403);
  assert.deepEqual(await disabled.json(), { error: 'hook_disabled' });
});

test('a non-JSON content type is 415', async (t) => {
  const { post } = await start(t);
  const res = await post('bearer', 'a=1', { 'content-type': 'application/x-www-form-urlencoded', authorization: `Bearer ${BEARER}` });
  assert.equal(res.status, 415);
  assert.deepEqual(await res.json(), { error: 'content_type_must_be_json' });
  const withCharset = await post('bearer', '{}', { 'content-type': 'application/json; charset=utf-8', authorization: `Bearer ${BEARER}` });
  assert.equal(withCharset.status, 202);
});

test('a body over max_body_bytes is 413', async (t) => {
  const { post, dispatched } = await start(t, { maxBodyBytes: 1024 });
  const big = JSON.stringify({ blob: 'x'.repeat(2048) });
  const res = await post('bearer', big, { authorization: `Bearer ${BEARER}` });
  assert.equal(res.status, 413);
  assert.equal(dispatched.length, 0);
  assert.equal((await post('bearer', JSON.stringify({ blob: 'x'.repeat(100) }), { authorization: `Bearer ${BEARER}` })).status, 202);
});

test('broken JSON and non-object bodies are 400', async (t) => {
  const { post } = await start(t);
  const broken = await post('bearer', '{"a":', { authorization: `Bearer ${BEARER}` });
  assert.equal(broken.status, 400);
  assert.deepEqual(await broken.json(), { error: 'invalid_json' });
  const list = await post('bearer', '[1,2]', { authorization: `Bearer ${BEARER}` });
  assert.equal(list.status, 400);
  assert.deepEqual(await list.json(), { error: 'body_must_be_object' });
});

test('a flood is rate limited with 429 over a sliding 60 s window', async (t) => {
  let nowMs = Date.parse('2025-01-01T12:00:00Z');
  const { post } = await start(t, { rateLimitPerMinute: 3, now: () => new Date(nowMs) });
  const auth = { authorization: `Bearer ${BEARER}` };
  const codes: number[] = [];
  for (let i = 0; i < 5; i += 1) codes.push((await post('bearer', '{}', auth)).status);
  assert.deepEqual(codes, [202, 202, 202, 429, 429]);
  const limited = await post('global-token', '{}', { authorization: `Bearer ${GLOBAL}` });
  assert.equal(limited.status, 429, 'the default limit counts all hooks together');
  assert.deepEqual(await limited.json(), { error: 'rate_limited' });
  nowMs += 61_000;
  assert.equal((await post('bearer', '{}', auth)).status, 202, 'the window slid past the old hits');
});

test('per-hook rate limiting keeps hooks apart', async (t) => {
  const { post } = await start(t, { rateLimitPerMinute: 1, rateLimitScope: 'per_hook' });
  assert.equal((await post('bearer', '{}', { authorization: `Bearer ${BEARER}` })).status, 202);
  assert.equal((await post('bearer', '{}', { authorization: `Bearer ${BEARER}` })).status, 429);
  assert.equal((await post('global-token', '{}', { authorization: `Bearer ${GLOBAL}` })).status, 202);
});

test('no secret reaches the log, whatever the outcome', async (t) => {
  const { post, server, lines } = await start(t, {
    dispatch: async () => {
      throw new Error('dispatch failed');
    },
  });
  const body = JSON.stringify({ hello: 'world' });
  const good = `sha256=${createHmac('sha256', GITHUB_SECRET).update(body).digest('hex')}`;
  await post('bearer', body, { authorization: `Bearer ${BEARER}` });
  await post('bearer', body, { authorization: `Bearer ${GLOBAL}` });
  await post('global-token', body, { authorization: `Bearer ${GLOBAL}` });
  await post('github', body, { 'x-hub-signature-256': good });
  await post('github', body, { 'x-hub-signature-256': 'sha256=00' });
  await post('stripe', body, { 'stripe-signature': 't=1,v1=ab' });
  await server.idle();
  assert.ok(lines.some((l) => l.includes('unauthorized')), 'refusals are logged');
  assert.ok(lines.some((l) => l.includes('webhook accepted')), 'acceptances are logged');
  const all = lines.join('\n');
  for (const secret of [BEARER, GLOBAL, GITHUB_SECRET, STRIPE_SECRET, good.slice(7)]) {
    assert.equal(all.includes(secret), false, `log leaks ${secret.slice(0, 6)}…`);
  }
});
