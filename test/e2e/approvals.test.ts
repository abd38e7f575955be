/**
 * Tool approvals on Telegram with the fake claude (permission_mode "default", a transcript that
 * asks for Bash): the answer is shown by editing the question, its buttons gone, and the turn goes
 * on; a late press hears the request expired.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { startRig, USER_ID } from '../helpers/rig.js';
import { waitFor } from '../helpers/wait-for.js';

type Button = { text: string; callback_data: string };

test('Telegram approval: Allow once edits the question to show the choice, the turn goes on, a late press is told it expired', async (t) => {
  const rig = await startRig(t, { config: { permission_mode: 'default', approval_timeout_seconds: 120 }, env: { FAKE_CLI_TRANSCRIPT: 'claude-local-approval-allow' } });
  rig.tg.pushMessage({ chatId: USER_ID, userId: USER_ID, text: 'Create the marker file' });
  const ask = await waitFor(() => rig.tg.visible(USER_ID).find((m) => m.visibleText.includes('Permission needed: Bash')), { timeoutMs: 30_000, message: 'the approval question' });
  const buttons = (ask.replyMarkup as { inline_keyboard: Button[][] }).inline_keyboard.flat();
  assert.deepEqual(buttons.map((b) => b.text), ['Allow once', 'Allow for this session', 'Deny']);
  rig.tg.pushCallbackQuery({ chatId: USER_ID, userId: USER_ID, messageId: ask.messageId, data: buttons[0]!.callback_data });
  await waitFor(() => rig.tg.visible(USER_ID).some((m) => m.visibleText.includes('Done — created')), { timeoutMs: 30_000, message: 'the turn goes on' });
  const edited = await waitFor(() => rig.tg.visible(USER_ID).find((m) => m.messageId === ask.messageId && m.visibleText.includes('→ Allow once')), { timeoutMs: 20_000, message: 'the choice shown in the question' });
  assert.equal((edited.replyMarkup as { inline_keyboard?: unknown[] } | undefined)?.inline_keyboard?.length ?? 0, 0, 'the buttons are gone');
  const responses = (await rig.cliRuns()).filter((r) => r.event === 'control_response');
  assert.equal(responses.length, 1);
  rig.tg.pushCallbackQuery({ chatId: USER_ID, userId: USER_ID, messageId: ask.messageId, data: buttons[2]!.callback_data });
  await waitFor(() => rig.tg.visible(USER_ID).some((m) => m.visibleText.includes('approval request has expired')), { timeoutMs: 20_000, message: 'a late press hears it expired' });
  assert.equal((await rig.cliRuns()).filter((r) => r.event === 'control_response').length, 1, 'the late press reached no CLI');
});
