/** A model's `[button:…]` choice: one press, one turn, and the message shows what was chosen. */
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { startRig, USER_ID, writeClaudeTranscript } from '../helpers/rig.js';
import { waitFor } from '../helpers/wait-for.js';

test('pressing a [button:…] twice runs one turn; the keyboard goes and the message says [USER ANSWER]', async (t) => {
  const dir = await mkdtemp(join(tmpdir(), 'ductor-buttons-'));
  t.after(() => rm(dir, { recursive: true, force: true }));
  const transcript = await writeClaudeTranscript(dir, 'choice', 'Which one?\n\n[button:Alpha] [button:Beta]');
  const rig = await startRig(t, { env: { FAKE_CLI_TRANSCRIPT: transcript } });
  rig.tg.pushMessage({ chatId: USER_ID, userId: USER_ID, text: 'ask me' });
  const question = await waitFor(() => rig.tg.visible(USER_ID).find((m) => m.visibleText.includes('Which one?') && m.replyMarkup !== undefined), { timeoutMs: 20_000, message: 'the question with buttons' });
  const data = (question.replyMarkup as { inline_keyboard: { text: string; callback_data: string }[][] }).inline_keyboard.flat().find((b) => b.text === 'Alpha')!.callback_data;
  rig.tg.pushCallbackQuery({ chatId: USER_ID, userId: USER_ID, messageId: question.messageId, data });
  rig.tg.pushCallbackQuery({ chatId: USER_ID, userId: USER_ID, messageId: question.messageId, data });
  await waitFor(() => question.visibleText.includes('[USER ANSWER] Alpha'), { timeoutMs: 20_000, message: 'the answer shown' });
  assert.deepEqual((question.replyMarkup as { inline_keyboard: unknown[] }).inline_keyboard, [], 'keyboard removed');
  await waitFor(async () => (await rig.cliRuns()).filter((r) => r.event === 'exit').length >= 2, { timeoutMs: 20_000, message: 'the answer turn ran' });
  await waitFor(() => rig.tg.callsOf('answerCallbackQuery').length === 2, { timeoutMs: 10_000 });
  const starts = (await rig.cliRuns()).filter((r) => r.event === 'start');
  assert.equal(starts.length, 2, 'the question turn and one answer turn');
});
