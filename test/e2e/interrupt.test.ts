/** /interrupt and `esc` interrupt as Esc does (SIGINT, session kept, queue continues); /stop_all discards the queue. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { startRig, USER_ID } from '../helpers/rig.js';
import { waitFor } from '../helpers/wait-for.js';

for (const word of ['/interrupt', 'esc']) {
  test(`${word}: SIGINT to the CLI, "Interrupted. Queued messages continue.", the queued message then runs in the same session`, async (t) => {
    const rig = await startRig(t, { env: { FAKE_CLI_HANG_ON: 'run forever' } });
    rig.tg.pushMessage({ chatId: USER_ID, userId: USER_ID, text: 'run forever' });
    await waitFor(async () => (await rig.cliRuns()).find((r) => r.event === 'start')?.pid, { timeoutMs: 15_000 });
    rig.tg.pushMessage({ chatId: USER_ID, userId: USER_ID, text: 'second, queued' });
    await waitFor(() => rig.tg.visible(USER_ID).some((m) => m.visibleText.includes('[Message in queue...]')), { timeoutMs: 15_000 });
    rig.tg.pushMessage({ chatId: USER_ID, userId: USER_ID, text: word });
    await waitFor(async () => (await rig.cliRuns()).some((r) => r.event === 'sigint'), { timeoutMs: 15_000, message: 'the CLI got SIGINT' });
    await waitFor(() => rig.tg.visible(USER_ID).some((m) => m.visibleText.includes('Interrupted. Queued messages continue.')), { timeoutMs: 15_000 });
    const starts = await waitFor(async () => {
      const s = (await rig.cliRuns()).filter((r) => r.event === 'start');
      return s.length === 2 ? s : undefined;
    }, { timeoutMs: 15_000, message: 'the queued message ran' });
    assert.ok(starts[1]!.argv?.includes('--resume'), 'the session was kept: the queued message resumes it');
    assert.ok(!(await rig.cliRuns()).some((r) => r.event === 'sigterm-ignored'));
    assert.ok(!rig.tg.sent(USER_ID).some((m) => m.visibleText.includes('Stopped')), 'no "Stopped" reply');
  });
}

test('/stop_all: queued indicators become "[Message discarded.]" and there is one reply', async (t) => {
  const rig = await startRig(t, { env: { FAKE_CLI_HANG_ON: 'run forever' } });
  rig.tg.pushMessage({ chatId: USER_ID, userId: USER_ID, text: 'run forever' });
  await waitFor(async () => (await rig.cliRuns()).find((r) => r.event === 'start')?.pid, { timeoutMs: 15_000 });
  rig.tg.pushMessage({ chatId: USER_ID, userId: USER_ID, text: 'second, queued' });
  await waitFor(() => rig.tg.visible(USER_ID).some((m) => m.visibleText.includes('[Message in queue...]')), { timeoutMs: 15_000 });
  const before = rig.tg.sent(USER_ID).length;
  rig.tg.pushMessage({ chatId: USER_ID, userId: USER_ID, text: '/stop_all' });
  await waitFor(() => rig.tg.sent(USER_ID).some((m) => m.visibleText.includes('[Message discarded.]')), { timeoutMs: 15_000, message: 'the indicator says discarded' });
  await waitFor(() => rig.tg.visible(USER_ID).some((m) => /Stopped/.test(m.visibleText)), { timeoutMs: 15_000 });
  // A barrier instead of a sleep: a new turn of this chat runs only after the stopped turn's final
  // delivery was handed over, so once its answer shows every reply of /stop_all is in.
  rig.tg.pushMessage({ chatId: USER_ID, userId: USER_ID, text: 'after the stop' });
  await waitFor(async () => (await rig.cliRuns()).filter((r) => r.event === 'start').length === 2, { timeoutMs: 15_000, message: 'the next message ran' });
  const replies = rig.tg.sent(USER_ID).slice(before).filter((m) => /Stopped/.test(m.visibleText));
  assert.equal(replies.length, 1, replies.map((m) => m.visibleText).join(' | '));
  const prompts = (await rig.cliRuns()).filter((r) => r.event === 'start' || r.event === 'stdin').map((r) => `${r.stdin ?? ''} ${(r.argv ?? []).join(' ')}`);
  assert.ok(!prompts.some((p) => p.includes('second, queued')), 'the discarded message never ran');
});
