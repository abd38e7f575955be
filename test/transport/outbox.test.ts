import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Outboxes } from '../../src/workers/transport/outbox.js';
import { RateLimiter } from '../../src/workers/transport/rate-limiter.js';
import { sendRichText } from '../../src/workers/transport/rich-send.js';
import { TelegramBot } from '../../src/workers/transport/telegram-bot.js';
import { FAKE_TOKEN, parseTelegramHtml, startFakeTelegram } from '../helpers/fake-telegram.js';

async function setup(t: { after(fn: () => unknown): void }, limits?: ConstructorParameters<typeof RateLimiter>[0]) {
  const tg = await startFakeTelegram(t);
  const bot = new TelegramBot({ token: FAKE_TOKEN, apiRoot: tg.url });
  const outboxes = new Outboxes({ sender: bot, limiter: new RateLimiter(limits) });
  t.after(() => outboxes.close());
  return { tg, bot, outboxes };
}

test('the limiter spaces calls per chat kind and shares one global budget', () => {
  let now = 0;
  const limiter = new RateLimiter({ globalPerSecond: 3 }, () => now);
  assert.equal(limiter.delayMs('1', 'private'), 0);
  limiter.record('1', 'private');
  assert.equal(limiter.delayMs('1', 'private'), 1050);
  assert.equal(limiter.delayMs('2', 'private'), 0, 'another chat is not held back by chat 1');
  limiter.record('2', 'private');
  limiter.record('3', 'private');
  assert.equal(limiter.delayMs('4', 'private'), 1050, 'the global budget of 3/s is used up');
  now = 1_050;
  assert.equal(limiter.delayMs('4', 'private'), 0);
  for (let i = 0; i < 20; i++) {
    now += 1_100;
    assert.equal(limiter.delayMs('-5', 'group'), 0);
    limiter.record('-5', 'group');
  }
  // 20 calls in the last ~21 s: the 21st waits until the first leaves the rolling minute.
  now += 1_100;
  // First of the 20 went at 2150; the clock is now 24150.
  assert.equal(limiter.delayMs('-5', 'group'), 2_150 + 60_050 - 24_150);
  limiter.penalize('9', 4_000);
  assert.equal(limiter.delayMs('9', 'private'), 4_000);
});

test('a newer edit replaces a queued edit of the same message', async (t) => {
  const { tg, outboxes } = await setup(t);
  const outbox = outboxes.for(100);
  const id = await outbox.send({ text: 'draft 0' });
  // The edits wait for the chat's budget, so the second reaches the queue while the first still waits.
  const first = outbox.edit({ messageId: id, text: 'draft 1' });
  const second = outbox.edit({ messageId: id, text: 'draft 2' });
  assert.deepEqual(await Promise.all([first, second]), ['edited', 'edited']);
  const edits = tg.callsOf('editMessageText');
  assert.equal(edits.length, 1);
  assert.equal(edits[0]?.params.text, 'draft 2');
  assert.equal(outbox.stats.superseded, 1);
  assert.equal(tg.sent(100)[0]?.visibleText, 'draft 2');
  assert.deepEqual(tg.violations, []);
});

test('429 waits retry_after and the message still arrives, once', async (t) => {
  const { tg, outboxes } = await setup(t);
  tg.failNext('sendMessage', { code: 429, description: 'Too Many Requests: retry after 1', retryAfter: 1 });
  const outbox = outboxes.for(200);
  const id = await outbox.send({ text: 'patience' });
  const calls = tg.callsOf('sendMessage');
  assert.deepEqual(calls.map((c) => c.status), [429, 200]);
  assert.ok((calls[1]?.at ?? 0) - (calls[0]?.at ?? 0) >= 950, 'the retry came after retry_after');
  assert.equal(outbox.stats.rateLimited, 1);
  assert.deepEqual(tg.sent(200).map((m) => [m.messageId, m.visibleText]), [[id, 'patience']]);
});

test('a reply Telegram refuses as HTML arrives as plain text', async (t) => {
  const { tg, outboxes } = await setup(t);
  tg.rejectHtmlContaining('TRIGGER');
  const outbox = outboxes.for(300);
  const ids = await sendRichText({ outbox, markdown: 'Some **bold** TRIGGER & `code`', replyToMessageId: 5 });
  const [message] = tg.visible(300);
  assert.equal(ids[0], message?.messageId);
  assert.equal(message?.parseMode, undefined);
  assert.equal(message?.visibleText, 'Some bold TRIGGER & code');
  assert.equal(message?.replyTo, 5);
  assert.equal(outbox.stats.plainFallbacks, 1);
  assert.deepEqual(tg.callsOf('sendMessage').map((c) => c.status), [400, 200]);
});

test('a 9,000-character reply arrives as three valid messages in a forum topic, keyboard on the last', async (t) => {
  const { tg, outboxes } = await setup(t);
  const sentence = 'Telegram limits a message to 4096 characters, so long replies are split. ';
  let markdown = '';
  for (let i = 0; markdown.length < 8_980; i++) markdown += `${i % 5 === 0 ? '\n\n' : ''}${sentence}`;
  markdown = `${markdown.slice(0, 8_980)}\n[button:Again]`;
  const ids = await sendRichText({ outbox: outboxes.for(-1001), markdown, threadId: 42, replyToMessageId: 7 });
  const messages = tg.visible(-1001);
  assert.equal(messages.length, 3);
  assert.deepEqual(messages.map((m) => m.messageId), ids);
  for (const m of messages) {
    assert.equal(m.threadId, 42);
    assert.equal(m.parseMode, 'HTML');
    assert.ok('text' in parseTelegramHtml(m.text));
  }
  assert.equal(messages[0]?.replyTo, 7);
  assert.equal(messages[1]?.replyTo, undefined);
  assert.deepEqual(messages[2]?.replyMarkup, { inline_keyboard: [[{ text: 'Again', callback_data: 'Again' }]] });
  assert.deepEqual(tg.violations, []);
});

test('sends and edits of many messages stay within the per-chat budget and keep their order', async (t) => {
  const { tg, outboxes } = await setup(t);
  const outbox = outboxes.for(400);
  const ids = await Promise.all([1, 2, 3, 4].map((n) => outbox.send({ text: `message ${n}` })));
  await outbox.edit({ messageId: ids[0] ?? 0, text: 'message 1, edited' });
  assert.equal(await outbox.delete(ids[1] ?? 0), true);
  assert.equal(await outbox.delete(ids[1] ?? 0), false, 'deleting twice reports the message gone');
  assert.deepEqual(tg.visible(400).map((m) => m.visibleText), ['message 1, edited', 'message 3', 'message 4']);
  assert.deepEqual(tg.violations, []);
  assert.ok(ids.every((id, i) => i === 0 || id > (ids[i - 1] ?? 0)));
});

test('the fake enforces the limits the outbox keeps: a burst without the outbox gets 429', async (t) => {
  const { tg, bot } = await setup(t);
  tg.rate.enforce = true;
  const results = await Promise.allSettled([1, 2, 3].map((n) => bot.sendMessage({ chatId: 500, text: `burst ${n}` })));
  assert.equal(results.filter((r) => r.status === 'rejected').length, 2);
  assert.equal(tg.violations.length, 2);
});
