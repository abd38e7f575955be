import assert from 'node:assert/strict';
import { test } from 'node:test';
import { FAKE_TOKEN, startFakeTelegram } from './fake-telegram.js';

type Answer = { status: number; body: { ok: boolean; parameters?: { retry_after?: number } } };

async function send(url: string, chatId: number, text: string): Promise<Answer> {
  const response = await fetch(`${url}/bot${FAKE_TOKEN}/sendMessage`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ chat_id: chatId, text }),
  });
  return { status: response.status, body: (await response.json()) as Answer['body'] };
}

// A group's budget is 20 messages in any 60 s window: long enough that a loaded machine cannot
// spread 21 sequential requests past it, so these tests do not depend on the machine's speed.
const GROUP = -100123;

test('with enforceRateLimits the fake Bot API answers the 21st message into a group within a minute with 429 and retry_after', async (t) => {
  const tg = await startFakeTelegram(t, { enforceRateLimits: true });
  for (let i = 0; i < 20; i += 1) assert.equal((await send(tg.url, GROUP, `m${i}`)).status, 200);
  const over = await send(tg.url, GROUP, 'one too many');
  assert.equal(over.status, 429);
  assert.equal(over.body.ok, false);
  const retryAfter = over.body.parameters?.retry_after ?? 0;
  assert.ok(retryAfter >= 1 && retryAfter <= 60, `retry_after ${retryAfter} s is within the window`);
  assert.equal(tg.calls.filter((c) => c.status === 429).length, 1, 'the 429 is recorded with its status');
  assert.equal(tg.visible(GROUP).length, 20, 'the rejected message was not delivered');
  assert.equal((await send(tg.url, 42, 'a private chat')).status, 200, 'another chat has its own budget');
});

test('by default the fake Bot API records a flood-limit violation but still delivers the message', async (t) => {
  const tg = await startFakeTelegram(t);
  for (let i = 0; i < 21; i += 1) assert.equal((await send(tg.url, GROUP, `m${i}`)).status, 200);
  assert.equal(tg.visible(GROUP).length, 21);
  assert.equal(tg.violations.length, 1);
  assert.equal(tg.violations[0]?.rule, 'group');
});
