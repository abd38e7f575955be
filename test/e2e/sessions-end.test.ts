/** Ending a named session from /sessions: the list comes back refreshed, and `@name` afterwards says it ended. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { startRig, USER_ID } from '../helpers/rig.js';
import { waitFor } from '../helpers/wait-for.js';

test('End in /sessions refreshes the list; a later @ended-name is answered, not sent to the main session', async (t) => {
  const rig = await startRig(t);
  const shown = () => rig.tg.visible(USER_ID);
  const starts = async () => (await rig.cliRuns()).filter((r) => r.event === 'start');
  const names: string[] = [];
  for (const prompt of ['first job', 'second job']) {
    rig.tg.pushMessage({ chatId: USER_ID, userId: USER_ID, text: `/session ${prompt}` });
    const started = await waitFor(() => shown().find((m) => /Session \S+ started/.test(m.visibleText) && !names.some((n) => m.visibleText.includes(n))), { timeoutMs: 15_000 });
    const name = /Session (\S+) started/.exec(started.visibleText)![1]!.replace(/`/g, '');
    names.push(name);
    await waitFor(() => shown().some((m) => m.visibleText.startsWith(`[${name}]`)), { timeoutMs: 20_000 });
  }
  const [ended, kept] = names as [string, string];
  rig.tg.pushMessage({ chatId: USER_ID, userId: USER_ID, text: '/sessions' });
  const list = await waitFor(() => shown().find((m) => m.visibleText.startsWith('Named sessions:')), { timeoutMs: 15_000 });
  const end = (list.replyMarkup as { inline_keyboard: { text: string; callback_data: string }[][] }).inline_keyboard.flat().find((b) => b.text === `End ${ended}`)!;
  rig.tg.pushCallbackQuery({ chatId: USER_ID, userId: USER_ID, messageId: list.messageId, data: end.callback_data });
  const refreshed = await waitFor(() => shown().find((m) => m.visibleText.startsWith(`Session ${ended} ended.`)), { timeoutMs: 15_000 });
  assert.match(refreshed.visibleText, new RegExp(`Named sessions:\\n• ${kept}`), 'the remaining sessions are listed again');
  const labels = (refreshed.replyMarkup as { inline_keyboard: { text: string }[][] }).inline_keyboard.flat().map((b) => b.text);
  assert.ok(labels.includes(`End ${kept}`) && !labels.includes(`End ${ended}`));
  const before = (await starts()).length;
  const { messageId } = rig.tg.pushMessage({ chatId: USER_ID, userId: USER_ID, text: `@${ended} one more thing` });
  const gone = await waitFor(() => shown().find((m) => m.replyTo === messageId), { timeoutMs: 15_000 });
  assert.match(gone.visibleText, new RegExp(`Session ${ended} has ended`));
  assert.equal((await starts()).length, before, 'no CLI ran for it');
});
