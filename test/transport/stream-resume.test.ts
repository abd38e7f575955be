/** A transport restarted mid-turn: the stream's messages are recorded, then edited into the answer. */
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { Outboxes } from '../../src/workers/transport/outbox.js';
import { RateLimiter } from '../../src/workers/transport/rate-limiter.js';
import { StreamEditor } from '../../src/workers/transport/stream-editor.js';
import { ResumedStream } from '../../src/workers/transport/stream-resume.js';
import { StreamStates } from '../../src/workers/transport/stream-state.js';
import { TelegramBot } from '../../src/workers/transport/telegram-bot.js';
import { FAKE_TOKEN, startFakeTelegram } from '../helpers/fake-telegram.js';
import { waitFor } from '../helpers/wait-for.js';

async function setup(t: { after(fn: () => unknown): void }) {
  const tg = await startFakeTelegram(t);
  tg.rate.privatePerSecond = 12;
  const bot = new TelegramBot({ token: FAKE_TOKEN, apiRoot: tg.url });
  const outboxes = new Outboxes({ sender: bot, limiter: new RateLimiter({ privateIntervalMs: 100, groupIntervalMs: 100 }) });
  t.after(() => outboxes.close());
  const dir = await mkdtemp(join(tmpdir(), 'ductor-streams-'));
  t.after(() => rm(dir, { recursive: true, force: true }));
  return { tg, bot, outboxes, file: join(dir, 'streams.json') };
}

test('the live message ids reach streams.json, and a restarted run edits them into the answer', async (t) => {
  const { tg, bot, outboxes, file } = await setup(t);
  const states = new StreamStates(file, () => assert.fail('not corrupt'));
  await states.load();
  const { messageId: userMessage } = tg.pushMessage({ chatId: 5, userId: 5, text: 'question' });
  const first = new StreamEditor({
    outbox: outboxes.for(5), sender: bot, chatId: 5, replyToMessageId: userMessage,
    settings: { min_chars: 10, idle_ms: 100, edit_interval_seconds: 0.2 },
    onMessageIds: (ids) => void states.set('main', 'turn-1', 5, ids),
  });
  first.push({ type: 'text', delta: 'The first half of the answer, ' });
  const [live] = await waitFor(() => (tg.visible(5).length === 1 ? tg.visible(5) : undefined));

  // A new transport process: only the file is left of the first run.
  const reloaded = new StreamStates(file, () => assert.fail('not corrupt'));
  await waitFor(async () => {
    await reloaded.load();
    return reloaded.get('main', 'turn-1')?.messageIds[0] === live?.messageId;
  });
  const stored = reloaded.get('main', 'turn-1')!;
  const resumed = new ResumedStream({ outbox: outboxes.for(5), sender: bot, chatId: 5, replyToMessageId: userMessage, messageIds: stored.messageIds });
  resumed.push({ type: 'text', delta: 'the second half.' });
  resumed.push({ type: 'final', text: 'The first half of the answer, the second half.' });
  const outcome = await resumed.done();
  assert.deepEqual(outcome.answerMessageIds, [live?.messageId]);
  assert.equal(tg.visible(5).length, 1, 'the answer is not posted beside the stream');
  assert.equal(tg.visible(5)[0]?.visibleText, 'The first half of the answer, the second half.');

  // Delivered again (the first confirmation was lost): the same message, nothing new.
  const again = new ResumedStream({ outbox: outboxes.for(5), sender: bot, chatId: 5, messageIds: stored.messageIds });
  again.push({ type: 'final', text: 'The first half of the answer, the second half.' });
  await again.done();
  assert.equal(tg.visible(5).length, 1);
  await reloaded.remove('main', 'turn-1');
  await reloaded.load();
  assert.equal(reloaded.get('main', 'turn-1'), undefined);
});

test('a resumed answer longer than the stream continues in new messages; surplus stream messages go', async (t) => {
  const { tg, bot, outboxes } = await setup(t);
  const a = await bot.sendMessage({ chatId: 6, text: 'partial one' });
  const b = await bot.sendMessage({ chatId: 6, text: 'partial two' });
  const long = `${'word '.repeat(900)}\n\n${'more '.repeat(900)}`;
  const resumed = new ResumedStream({ outbox: outboxes.for(6), sender: bot, chatId: 6, messageIds: [a.message_id] });
  resumed.push({ type: 'final', text: long });
  const outcome = await resumed.done();
  assert.equal(outcome.answerMessageIds[0], a.message_id);
  assert.ok(outcome.answerMessageIds.length >= 2, 'the rest went into a new message');
  const short = new ResumedStream({ outbox: outboxes.for(6), sender: bot, chatId: 6, messageIds: [b.message_id, ...outcome.answerMessageIds.slice(1)] });
  short.push({ type: 'final', text: 'short now' });
  const end = await short.done();
  assert.deepEqual(end.answerMessageIds, [b.message_id]);
  assert.deepEqual(end.deletedMessageIds, outcome.answerMessageIds.slice(1));
});
