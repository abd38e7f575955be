/** A sub-agent that is stopped: its chat is told once, its messages wait and are answered after the start. */
import assert from 'node:assert/strict';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { startRig, USER_ID } from '../helpers/rig.js';
import { waitFor } from '../helpers/wait-for.js';

const HELPER_TOKEN = '2222222222:AAhelperTOKENhelperTOKENhelperTOKEN22';

async function rigWithHelper(t: Parameters<typeof startRig>[0]) {
  return startRig(t, {
    beforeStart: async (home: string) => {
      await writeFile(join(home, 'agents.json'), JSON.stringify([{ name: 'helper', telegram_token: HELPER_TOKEN, allowed_user_ids: [USER_ID] }]));
    },
    tokens: [HELPER_TOKEN],
  });
}

test('a stopped sub-agent: its chat is told once how to start it, messages are kept and answered after the start, no error loop in the log', async (t) => {
  const rig = await rigWithHelper(t);
  rig.tg.pushMessage({ chatId: USER_ID, userId: USER_ID, text: '/agent_stop helper' });
  await rig.ductor.waitForStatus((s) => s.workers.find((w) => w.id === 'agent:helper')?.state === 'stopped', 30_000);
  const first = rig.tg.pushMessage({ chatId: USER_ID, userId: USER_ID, text: 'are you there?', token: HELPER_TOKEN });
  const notice = await waitFor(() => rig.tg.visible(USER_ID, HELPER_TOKEN).find((m) => m.visibleText.includes('/agent_start helper')), { timeoutMs: 20_000, message: 'the helper’s chat is told' });
  assert.match(notice.visibleText, /helper/);
  const second = rig.tg.pushMessage({ chatId: USER_ID, userId: USER_ID, text: 'hello?', token: HELPER_TOKEN });
  // A quiet period of several former retry rounds (one a second) while the agent is down:
  // the notice is not repeated and the log does not fill.
  await sleep(6_000);
  const logFile = join(rig.home, 'logs', 'transport.log');
  assert.equal(rig.tg.visible(USER_ID, HELPER_TOKEN).filter((m) => m.visibleText.includes('/agent_start helper')).length, 1, 'one notice');
  const errors = (await readFile(logFile, 'utf8').catch(() => '')).split('\n').filter((l) => l.includes('update handler failed'));
  assert.ok(errors.length <= 1, `no error every second (${errors.length} lines)`);

  rig.tg.pushMessage({ chatId: USER_ID, userId: USER_ID, text: '/agent_start helper' });
  await rig.ductor.waitForStatus((s) => s.workers.find((w) => w.id === 'agent:helper')?.state === 'ready', 30_000);
  for (const { messageId } of [first, second]) {
    await waitFor(() => rig.tg.visible(USER_ID, HELPER_TOKEN).some((m) => m.replyTo === messageId && !m.visibleText.includes('/agent_start')), { timeoutMs: 30_000, message: `message ${messageId} answered after the start` });
  }
});
