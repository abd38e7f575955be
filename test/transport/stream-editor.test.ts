import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Outboxes } from '../../src/workers/transport/outbox.js';
import { RateLimiter } from '../../src/workers/transport/rate-limiter.js';
import { StreamEditor, splitMarkdown, type StreamingSettings } from '../../src/workers/transport/stream-editor.js';
import { TelegramBot } from '../../src/workers/transport/telegram-bot.js';
import { markdownToTelegramHtml } from '../../src/workers/transport/markdown-to-html.js';
import { FAKE_TOKEN, parseTelegramHtml, startFakeTelegram } from '../helpers/fake-telegram.js';
import { waitFor } from '../helpers/wait-for.js';

/** Faster budgets than Telegram's, matched on both sides, so pacing is exercised without slow tests. */
async function setup(t: { after(fn: () => unknown): void }) {
  const tg = await startFakeTelegram(t);
  tg.rate.privatePerSecond = 12;
  const bot = new TelegramBot({ token: FAKE_TOKEN, apiRoot: tg.url });
  const outboxes = new Outboxes({ sender: bot, limiter: new RateLimiter({ privateIntervalMs: 100, groupIntervalMs: 100 }) });
  t.after(() => outboxes.close());
  const editor = (chatId: number, settings: Partial<StreamingSettings> = {}, extra: { threadId?: number; replyTo?: number } = {}) =>
    new StreamEditor({
      outbox: outboxes.for(chatId),
      sender: bot,
      chatId,
      threadId: extra.threadId,
      replyToMessageId: extra.replyTo,
      settings: { min_chars: 10, idle_ms: 100, edit_interval_seconds: 0.2, ...settings },
      typingIntervalMs: 100,
    });
  return { tg, bot, outboxes, editor };
}

test('streams text into one live message, shows tool use, and finalizes it in place', async (t) => {
  const { tg, editor } = await setup(t);
  const { messageId: userMessage } = tg.pushMessage({ chatId: 1, userId: 1, text: 'hi' });
  const turn = editor(1, {}, { replyTo: userMessage });
  turn.push({ type: 'text', delta: 'Hello there, ' });
  const [live] = await waitFor(() => (tg.visible(1).length === 1 ? tg.visible(1) : undefined));
  assert.equal(live?.replyTo, userMessage);
  turn.push({ type: 'tool', name: 'Bash' });
  turn.push({ type: 'tool', name: 'Bash' });
  await waitFor(() => live?.visibleText.includes('🔧 Bash … x2'));
  turn.push({ type: 'text', delta: 'the answer is **42**.' });
  await waitFor(() => live?.visibleText === 'Hello there, the answer is 42.');
  turn.push({ type: 'final', text: 'Hello there, the answer is **42**.' });
  const outcome = await turn.done();
  assert.deepEqual(outcome, { answerMessageIds: [live?.messageId], deletedMessageIds: [], answered: true });
  assert.equal(live?.text, 'Hello there, the answer is <b>42</b>.');
  assert.equal(tg.visible(1).length, 1, 'the answer is not sent twice');
  assert.ok(tg.callsOf('sendChatAction').some((c) => c.params.chat_id === 1 && c.params.action === 'typing'));
  const edits = tg.callsOf('editMessageText');
  for (let i = 1; i < edits.length; i++) assert.ok((edits[i]?.at ?? 0) - (edits[i - 1]?.at ?? 0) >= 150);
  assert.deepEqual(tg.violations, []);
});

test('a status-only progress message is deleted only after the final answer is confirmed', async (t) => {
  const { tg, editor } = await setup(t);
  const turn = editor(2);
  turn.push({ type: 'thinking' });
  const [progress] = await waitFor(() => (tg.visible(2).length === 1 ? tg.visible(2) : undefined));
  assert.equal(progress?.visibleText, '💭 Thinking…');
  turn.push({ type: 'final', text: 'Done thinking.' });
  const outcome = await turn.done();
  assert.deepEqual(outcome.deletedMessageIds, [progress?.messageId]);
  assert.deepEqual(tg.visible(2).map((m) => m.visibleText), ['Done thinking.']);
  const order = tg.calls.map((c) => c.method).filter((m) => m === 'sendMessage' || m === 'deleteMessage');
  assert.deepEqual(order, ['sendMessage', 'sendMessage', 'deleteMessage']);
});

test('streaming disabled sends only the final answer, with typing meanwhile', async (t) => {
  const { tg, editor } = await setup(t);
  const turn = editor(3, { enabled: false });
  turn.push({ type: 'text', delta: 'partial text that is long enough to stream' });
  turn.push({ type: 'tool', name: 'Read' });
  await waitFor(() => tg.callsOf('sendChatAction').length >= 2);
  assert.equal(tg.callsOf('sendMessage').length, 0);
  turn.push({ type: 'final', text: 'Only the *final* answer.' });
  const outcome = await turn.done();
  assert.equal(outcome.answerMessageIds.length, 1);
  assert.deepEqual(tg.visible(3).map((m) => m.text), ['Only the <i>final</i> answer.']);
});

test('overflow past max_chars continues in new messages, each valid and within the limit', async (t) => {
  const { tg, editor } = await setup(t);
  const turn = editor(4, { max_chars: 500 });
  const paragraphs = Array.from({ length: 12 }, (_, i) => `Paragraph ${i} ${'word '.repeat(20).trim()}.`);
  const full = paragraphs.join('\n\n');
  for (const p of paragraphs) {
    turn.push({ type: 'text', delta: `${p === paragraphs[0] ? '' : '\n\n'}${p}` });
    await waitFor(() => tg.visible(4).length > 0);
  }
  turn.push({ type: 'final', text: full });
  const outcome = await turn.done();
  const messages = tg.visible(4);
  assert.ok(messages.length >= 3);
  assert.deepEqual(outcome.answerMessageIds, messages.map((m) => m.messageId));
  for (const m of messages) {
    assert.ok(m.text.length <= 500);
    assert.ok('text' in parseTelegramHtml(m.text));
  }
  assert.equal(messages.map((m) => m.visibleText).join('\n\n'), full);
});

test('in a forum topic every send, edit target and typing carries the thread id', async (t) => {
  const { tg, editor } = await setup(t);
  tg.setChatType(-1005, 'supergroup');
  const turn = editor(-1005, {}, { threadId: 77 });
  turn.push({ type: 'tool', name: 'Grep' });
  await waitFor(() => tg.visible(-1005).length === 1);
  turn.push({ type: 'text', delta: 'Found it in the topic.' });
  turn.push({ type: 'final', text: 'Found it in the topic. [button:Open]' });
  await turn.done();
  assert.equal(tg.visible(-1005).length, 1);
  const [answer] = tg.visible(-1005);
  assert.equal(answer?.threadId, 77);
  assert.equal(answer?.visibleText, 'Found it in the topic.');
  assert.deepEqual(answer?.replyMarkup, { inline_keyboard: [[{ text: 'Open', callback_data: 'Open' }]] });
  assert.ok(tg.callsOf('sendMessage').every((c) => c.params.message_thread_id === 77));
  assert.ok(tg.callsOf('sendChatAction').every((c) => c.params.message_thread_id === 77));
});

test('an error ends the turn with a notice and clears the status line', async (t) => {
  const { tg, editor } = await setup(t);
  const turn = editor(6);
  turn.push({ type: 'tool', name: 'Bash' });
  await waitFor(() => tg.visible(6).length === 1);
  turn.push({ type: 'error', message: 'CLI exited with code 1 <oops>' });
  const outcome = await turn.done();
  assert.equal(outcome.deletedMessageIds.length, 1);
  assert.deepEqual(tg.visible(6).map((m) => m.visibleText), ['⚠️ CLI exited with code 1 <oops>']);
});

test('a live message Telegram refuses as HTML still shows the text, as plain', async (t) => {
  const { tg, editor } = await setup(t);
  tg.rejectHtmlContaining('BAD');
  const turn = editor(7);
  turn.push({ type: 'text', delta: 'Some **BAD** markup here' });
  turn.push({ type: 'final', text: 'Some **BAD** markup here' });
  await turn.done();
  assert.deepEqual(tg.visible(7).map((m) => [m.visibleText, m.parseMode]), [['Some BAD markup here', undefined]]);
});

test('splitMarkdown closes an open code fence at the cut and reopens it after', () => {
  const code = Array.from({ length: 60 }, (_, i) => `print(${i})`).join('\n');
  const [head, tail] = splitMarkdown(`Intro\n\n\`\`\`python\n${code}\n\`\`\``, 300);
  assert.ok(markdownToTelegramHtml(head).length <= 300);
  assert.ok(head.endsWith('\n```'));
  assert.ok(tail.startsWith('```python\n'));
  assert.ok('text' in parseTelegramHtml(markdownToTelegramHtml(tail)));
});

test('abort keeps the streamed text, drops the status line and stops typing', async (t) => {
  const { tg, editor } = await setup(t);
  const turn = editor(8);
  turn.push({ type: 'text', delta: 'Working on the first step' });
  turn.push({ type: 'tool', name: 'Bash' });
  await waitFor(() => tg.visible(8)[0]?.visibleText.includes('🔧 Bash'));
  turn.abort();
  assert.deepEqual(await turn.done(), { answerMessageIds: [], deletedMessageIds: [], answered: false });
  assert.deepEqual(tg.visible(8).map((m) => m.visibleText), ['Working on the first step']);
  const typing = tg.callsOf('sendChatAction').filter((c) => c.params.chat_id === 8).length;
  turn.push({ type: 'text', delta: 'ignored after abort' });
  // A witness turn in another chat ticks typing every 100 ms: once it has ticked three times, the
  // aborted turn would have ticked too had its timer survived.
  const witness = editor(9);
  await waitFor(() => tg.callsOf('sendChatAction').filter((c) => c.params.chat_id === 9).length >= 3);
  witness.abort();
  assert.equal(tg.callsOf('sendChatAction').filter((c) => c.params.chat_id === 8).length, typing);
  assert.deepEqual(tg.visible(8).map((m) => m.visibleText), ['Working on the first step']);
});

test('a final text unlike the streamed text replaces the live message in place, never a second copy', async (t) => {
  const { tg, editor } = await setup(t);
  const turn = editor(11);
  turn.push({ type: 'text', delta: 'Let me check.The shell said ' });
  const [live] = await waitFor(() => (tg.visible(11).length === 1 ? tg.visible(11) : undefined));
  turn.push({ type: 'final', text: 'Let me check.\n\nThe shell said **hello**.' });
  const outcome = await turn.done();
  assert.deepEqual(outcome, { answerMessageIds: [live?.messageId], deletedMessageIds: [], answered: true });
  assert.deepEqual(tg.visible(11).map((m) => m.text), ['Let me check.\n\nThe shell said <b>hello</b>.']);
  assert.deepEqual(tg.violations, []);
});

test('a final text unlike a stream spread over several messages: the first holds the final, the rest go', async (t) => {
  const { tg, editor } = await setup(t);
  const turn = editor(12, { max_chars: 60 });
  turn.push({ type: 'text', delta: `${'streamed line one.\n'.repeat(3)}\n${'streamed line two.\n'.repeat(3)}` });
  await waitFor(() => tg.visible(12).length >= 2);
  const first = tg.visible(12)[0];
  turn.push({ type: 'final', text: 'Short final.' });
  const outcome = await turn.done();
  assert.deepEqual(outcome.answerMessageIds, [first?.messageId]);
  assert.deepEqual(tg.visible(12).map((m) => m.text), ['Short final.']);
  assert.deepEqual(tg.violations, []);
});
