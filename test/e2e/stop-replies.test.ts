/** /stop answers under the command; /new during a turn sends one message. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { startRig, USER_ID } from '../helpers/rig.js';
import { waitFor } from '../helpers/wait-for.js';

test('/stop and a stop word answer the command, not the stopped turn’s message', async (t) => {
  const rig = await startRig(t, { env: { FAKE_CLI_MODE: 'hang' } });
  for (const word of ['/stop', 'stop']) {
    const turn = rig.tg.pushMessage({ chatId: USER_ID, userId: USER_ID, text: `run forever ${word}` });
    await waitFor(async () => (await rig.cliRuns()).filter((r) => r.event === 'start').length === (word === '/stop' ? 1 : 2), { timeoutMs: 15_000 });
    const stop = rig.tg.pushMessage({ chatId: USER_ID, userId: USER_ID, text: word });
    const stopped = await waitFor(() => rig.tg.visible(USER_ID).find((m) => m.visibleText.includes('Stopped') && m.replyTo === stop.messageId), { timeoutMs: 15_000, message: `"Stopped" under ${word}` });
    assert.ok(stopped);
    assert.ok(!rig.tg.visible(USER_ID).some((m) => m.visibleText.includes('Stopped') && m.replyTo === turn.messageId));
  }
});

test('/new during a turn sends one message: the new-session notice, under /new', async (t) => {
  const rig = await startRig(t, { env: { FAKE_CLI_MODE: 'hang' } });
  rig.tg.pushMessage({ chatId: USER_ID, userId: USER_ID, text: 'run forever' });
  await waitFor(async () => (await rig.cliRuns()).some((r) => r.event === 'start'), { timeoutMs: 15_000 });
  const before = rig.tg.sent(USER_ID).length;
  const fresh = rig.tg.pushMessage({ chatId: USER_ID, userId: USER_ID, text: '/new' });
  const notice = await waitFor(() => rig.tg.visible(USER_ID).find((m) => m.visibleText.includes('New session')), { timeoutMs: 15_000 });
  assert.equal(notice.replyTo, fresh.messageId);
  // Wait until the transport is idle: the stopped turn's final is the notice itself.
  rig.tg.pushMessage({ chatId: USER_ID, userId: USER_ID, text: '/status' });
  await waitFor(() => rig.tg.visible(USER_ID).some((m) => /Model:/.test(m.visibleText)), { timeoutMs: 15_000 });
  const after = rig.tg.sent(USER_ID).slice(before).filter((m) => !/Model:/.test(m.visibleText) && !m.deleted);
  assert.deepEqual(after.map((m) => m.visibleText.split('\n')[0]), [notice.visibleText.split('\n')[0]], 'one message for /new');
});
