/** Stage reactions on the user's message, through the real bot client against the fake Bot API. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { StatusReactions } from '../../src/workers/transport/status-reactions.js';
import { TelegramBot } from '../../src/workers/transport/telegram-bot.js';
import { startFakeTelegram } from '../helpers/fake-telegram.js';
import { waitFor } from '../helpers/wait-for.js';

const silent = { debug: () => undefined };

async function setup(t: import('node:test').TestContext, scene: { seen_reaction: boolean; status_reaction: boolean }) {
  const tg = await startFakeTelegram(t);
  const bot = new TelegramBot({ token: tg.token, apiRoot: tg.url });
  const reactions = new StatusReactions({ sender: bot, scene: () => scene, log: silent });
  const shown = () => tg.callsOf('setMessageReaction').map((c) => (c.params.reaction as { emoji: string }[])[0]?.emoji ?? 'cleared');
  return { tg, reactions, shown };
}

test('status reactions follow the turn: thinking, tool, system, then cleared; repeats are not sent', async (t) => {
  const { reactions, shown } = await setup(t, { seen_reaction: false, status_reaction: true });
  const target = { chatId: 5, messageId: 9 };
  reactions.seen(target);
  reactions.thinking(target);
  reactions.thinking(target);
  reactions.tool(target, 'Bash');
  reactions.tool(target, 'Bash');
  reactions.tool(target, 'Read');
  reactions.system(target);
  reactions.finished(target, 'answer');
  await waitFor(() => shown().length === 5);
  assert.deepEqual(shown(), ['🤔', '👨‍💻', '👀', '💯', 'cleared']);
});

test('seen_reaction alone marks the message 👀 and keeps it; a failed turn ends with 😢', async (t) => {
  const { reactions, shown } = await setup(t, { seen_reaction: true, status_reaction: false });
  reactions.seen({ chatId: 5, messageId: 1 });
  reactions.thinking({ chatId: 5, messageId: 1 });
  reactions.finished({ chatId: 5, messageId: 1 }, 'answer');
  await waitFor(() => shown().length === 1);
  assert.deepEqual(shown(), ['👀']);
  const both = await setup(t, { seen_reaction: true, status_reaction: true });
  both.reactions.seen({ chatId: 6, messageId: 2 });
  both.reactions.thinking({ chatId: 6, messageId: 2 });
  both.reactions.finished({ chatId: 6, messageId: 2 }, 'answer');
  both.reactions.thinking({ chatId: 6, messageId: 3 });
  both.reactions.finished({ chatId: 6, messageId: 3 }, 'error');
  await waitFor(() => both.shown().length === 5);
  const of = (id: number) => both.tg.callsOf('setMessageReaction').filter((c) => c.params.message_id === id).map((c) => (c.params.reaction as { emoji: string }[])[0]?.emoji);
  assert.deepEqual(of(2), ['👀', '🤔', '👀']);
  assert.deepEqual(of(3), ['🤔', '😢']);
});

test('a chat that restricts reactions gets the fallback; one that refuses them is not asked again', async (t) => {
  const { tg, reactions, shown } = await setup(t, { seen_reaction: false, status_reaction: true });
  tg.failNext('setMessageReaction', { code: 400, description: 'Bad Request: REACTION_INVALID' });
  reactions.thinking({ chatId: 7, messageId: 1 });
  await waitFor(() => tg.callsOf('setMessageReaction').length === 2);
  assert.deepEqual(shown(), ['🤔', '👍']);
  tg.failNext('setMessageReaction', { code: 400, description: 'Bad Request: message reactions are disabled in this chat' });
  reactions.thinking({ chatId: 8, messageId: 1 });
  await waitFor(() => tg.callsOf('setMessageReaction').length === 3);
  reactions.tool({ chatId: 8, messageId: 1 }, 'Edit');
  reactions.finished({ chatId: 8, messageId: 1 }, 'answer');
  reactions.thinking({ chatId: 7, messageId: 2 });
  await waitFor(() => tg.callsOf('setMessageReaction').length === 4);
  assert.deepEqual(tg.callsOf('setMessageReaction').map((c) => c.params.chat_id), [7, 7, 8, 7]);
});

test('messages whose turn never finishes are not remembered forever', async () => {
  // Many messages: a stand-in sender, so the test is about what the class keeps, not about HTTP.
  let calls = 0;
  const sender = { setMessageReaction: async () => void (calls += 1) };
  const reactions = new StatusReactions({ sender, scene: () => ({ seen_reaction: true, status_reaction: false }), log: silent });
  const kept = reactions as unknown as { current: Map<string, unknown>; chains: Map<string, unknown> };
  for (let messageId = 1; messageId <= 2_000; messageId += 1) {
    // Every other message is a command the agent answers: it never becomes a turn.
    reactions.seen({ chatId: 5, messageId });
    if (messageId % 2 === 0) reactions.finished({ chatId: 5, messageId }, 'answer');
  }
  await waitFor(() => calls === 2_000);
  await waitFor(() => kept.chains.size === 0, { message: 'settled chains are dropped' });
  assert.ok(kept.current.size <= 500, `${kept.current.size} messages remembered`);
  // The newest message is still known: its repeat costs no call.
  reactions.seen({ chatId: 5, messageId: 1_999 });
  assert.equal(calls, 2_000);
});
