/**
 * Two bots, one user: the main agent and a sub-agent each have a private chat with the same
 * user, and Telegram numbers each chat's messages on its own, so message ids coincide. Every
 * message must be answered exactly once by the bot it was sent to, and "typing…" must stop.
 */
import assert from 'node:assert/strict';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { FAKE_TOKEN } from '../helpers/fake-telegram.js';
import { startRig, USER_ID } from '../helpers/rig.js';
import { waitFor } from '../helpers/wait-for.js';

const HELPER_TOKEN = '2222222222:AAhelperTOKENhelperTOKENhelperTOKEN22';
/** Telegram shows "typing…" ~5 s; the transport renews it every 4 s while a turn runs. */
const TYPING_RENEW_MS = 4_000;

test('main and a sub-agent sharing one user: coinciding message ids, every message answered once by its own bot, typing stops', async (t) => {
  const rig = await startRig(t, {
    tokens: [HELPER_TOKEN],
    beforeStart: async (home) => {
      await writeFile(join(home, 'agents.json'), JSON.stringify([{ name: 'helper', telegram_token: HELPER_TOKEN, allowed_user_ids: [USER_ID], model: 'sonnet' }]));
    },
  });
  await rig.ductor.waitForStatus((s) => s.workers.find((w) => w.id === 'agent:helper')?.state === 'ready', 30_000);
  const bots = [FAKE_TOKEN, HELPER_TOKEN];
  const answersTo = (token: string, messageId: number) => rig.tg.sent(USER_ID, token).filter((m) => m.replyTo === messageId);
  const asked: Array<{ text: string; messageId: number }> = [];

  // Main first, then the helper once main has answered: the helper's message arrives with an id
  // main's chat has already seen and answered.
  for (const text of ['hello', '/status', '/agents', '/tasks', 'hello again']) {
    const ids: number[] = [];
    for (const token of bots) {
      const who = token === FAKE_TOKEN ? 'main' : 'helper';
      const { messageId } = rig.tg.pushMessage({ chatId: USER_ID, userId: USER_ID, text, token });
      ids.push(messageId);
      await waitFor(() => answersTo(token, messageId).length > 0, { timeoutMs: 30_000, message: `${who} answers "${text}" (message ${messageId})` });
    }
    assert.equal(ids[0], ids[1], `"${text}" has the same message id in both chats`);
    asked.push({ text, messageId: ids[0]! });
  }

  // Let any late duplicate or a typing indicator that never stops show itself: more than two renewals.
  const settledAt = Date.now();
  await sleep(TYPING_RENEW_MS * 2 + 1_500);
  for (const token of bots) {
    const who = token === FAKE_TOKEN ? 'main' : 'helper';
    for (const { text, messageId } of asked) {
      assert.equal(answersTo(token, messageId).length, 1, `${who} answered "${text}" exactly once`);
    }
    const lateTyping = rig.tg.callsOf('sendChatAction').filter((c) => c.token === token && c.at > settledAt + 1_000);
    assert.deepEqual(lateTyping.map((c) => c.params.action), [], `${who} stopped typing once every answer was sent`);
  }
  const helperStatus = answersTo(HELPER_TOKEN, asked[1]!.messageId)[0]!;
  assert.match(helperStatus.visibleText, /sonnet/, 'the helper’s /status is its own, not main’s');
});
