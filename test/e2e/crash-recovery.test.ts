/**
 * Nothing lost: SIGKILL of the agent worker mid-turn, of the transport worker, and of the whole
 * tree. Every accepted message is answered or reported, none twice, no CLI is left running.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { isProcessAlive } from '../../src/shared/process-alive.js';
import { startRig, transcriptResult, USER_ID, type Rig } from '../helpers/rig.js';
import { pidOf, spawnDuctor } from '../helpers/spawn-ductor.js';
import { waitFor } from '../helpers/wait-for.js';

const HANG = 'HANG-THIS-ONE';

async function cliStartFor(rig: Rig, text: string): Promise<number> {
  return waitFor(async () => (await rig.cliRuns()).find((r) => r.event === 'start' && `${r.argv?.join(' ')}${JSON.stringify(r)}`.includes(text))?.pid
    ?? (await rig.cliRuns()).filter((r) => r.event === 'stdin' && r.stdin?.includes(text)).map((r) => r.pid).at(0), { timeoutMs: 20_000, message: `CLI for "${text}"` });
}

function answersOf(rig: Rig, finalText: string): number {
  return rig.tg.visible(USER_ID).filter((m) => m.kind === 'text' && m.visibleText.includes(finalText)).length;
}

test('SIGKILL of the agent worker mid-turn: the orphaned CLI is stopped, the cut-off request gets a Retry, the queue goes on', async (t) => {
  const rig = await startRig(t, { env: { FAKE_CLI_HANG_ON: HANG } });
  const hello = await transcriptResult('claude', 'claude-local-hello');
  rig.tg.pushMessage({ chatId: USER_ID, userId: USER_ID, text: `${HANG} please` });
  const cliPid = await cliStartFor(rig, HANG);
  rig.tg.pushMessage({ chatId: USER_ID, userId: USER_ID, text: 'the second request' });
  await waitFor(() => rig.tg.visible(USER_ID).some((m) => m.visibleText.includes('[Message in queue...]')), { timeoutMs: 15_000 });

  const before = await rig.ductor.status();
  process.kill(pidOf(before, 'agent:main'), 'SIGKILL');

  await waitFor(() => !isProcessAlive(cliPid), { timeoutMs: 20_000, message: 'orphaned CLI stopped' });
  const notice = await waitFor(() => rig.tg.visible(USER_ID).find((m) => m.visibleText.includes('cut off') && m.visibleText.includes(HANG)), { timeoutMs: 20_000 });
  const retry = (notice.replyMarkup as { inline_keyboard: { text: string; callback_data: string }[][] }).inline_keyboard[0]![0]!;
  assert.match(retry.text, /Retry/);
  await waitFor(() => answersOf(rig, hello) === 1, { timeoutMs: 20_000, message: 'the queued message was answered' });

  // Retry runs the cut-off request again.
  const startsBefore = (await rig.cliRuns()).filter((r) => r.event === 'start').length;
  rig.tg.pushCallbackQuery({ chatId: USER_ID, userId: USER_ID, messageId: notice.messageId, data: retry.callback_data });
  await waitFor(async () => (await rig.cliRuns()).filter((r) => r.event === 'start').length === startsBefore + 1, { timeoutMs: 20_000 });
  rig.tg.pushMessage({ chatId: USER_ID, userId: USER_ID, text: '/stop' });
  await waitFor(() => rig.tg.visible(USER_ID).some((m) => m.visibleText.includes('Stopped')), { timeoutMs: 20_000 });
  assert.equal(answersOf(rig, hello), 1, 'no answer was sent twice');
});

test('SIGKILL of the transport worker: messages sent meanwhile and answers in flight arrive once', async (t) => {
  const rig = await startRig(t, { env: { FAKE_CLI_DELAY_MS: '300', FAKE_CLI_TRANSCRIPT: 'claude-local-bash' } });
  const answer = await transcriptResult('claude', 'claude-local-bash');
  // Compared as shown: Markdown code spans lose their backticks in Telegram HTML.
  const lastLine = answer.trim().split('\n').at(-1)!.replace(/`/g, '').slice(0, 40);
  rig.tg.pushMessage({ chatId: USER_ID, userId: USER_ID, text: 'first' });
  await waitFor(async () => (await rig.cliRuns()).some((r) => r.event === 'start'), { timeoutMs: 15_000 });
  const before = await rig.ductor.status();
  process.kill(pidOf(before, 'transport'), 'SIGKILL');
  rig.tg.pushMessage({ chatId: USER_ID, userId: USER_ID, text: 'second, sent while the transport is down' });
  await rig.ductor.waitForStatus((s) => s.workers.find((w) => w.id === 'transport')?.state === 'ready' && pidOf(s, 'transport') !== pidOf(before, 'transport'));
  await waitFor(() => answersOf(rig, lastLine) === 2, { timeoutMs: 30_000, message: 'both messages answered' });
  const starts = (await rig.cliRuns()).filter((r) => r.event === 'start');
  assert.equal(starts.length, 2, 'each message ran the CLI exactly once');
  assert.equal(answersOf(rig, lastLine), 2);
});

test('SIGKILL of the whole tree mid-turn: after a new start the cut-off request is reported and the queue is answered', async (t) => {
  const rig = await startRig(t, { env: { FAKE_CLI_HANG_ON: HANG } });
  const hello = await transcriptResult('claude', 'claude-local-hello');
  rig.tg.pushMessage({ chatId: USER_ID, userId: USER_ID, text: `${HANG} now` });
  const cliPid = await cliStartFor(rig, HANG);
  rig.tg.pushMessage({ chatId: USER_ID, userId: USER_ID, text: 'queued before the crash' });
  await waitFor(() => rig.tg.visible(USER_ID).some((m) => m.visibleText.includes('[Message in queue...]')), { timeoutMs: 15_000 });
  const status = await rig.ductor.status();
  for (const pid of [status.pid, ...status.workers.map((w) => w.pid!)]) process.kill(pid, 'SIGKILL');
  await rig.ductor.waitForExit();

  const env = { PATH: `${new URL('../fake-cli', import.meta.url).pathname}:${process.env.PATH ?? ''}`, FAKE_CLI_RECORD: rig.cliRecord, FAKE_CLI_DELAY_MS: '5' };
  await spawnDuctor(t, rig.home, env);
  await waitFor(() => !isProcessAlive(cliPid), { timeoutMs: 20_000, message: 'the old CLI is stopped' });
  await waitFor(() => rig.tg.visible(USER_ID).some((m) => m.visibleText.includes('cut off') && m.visibleText.includes(HANG)), { timeoutMs: 20_000 });
  await waitFor(() => answersOf(rig, hello) === 1, { timeoutMs: 20_000, message: 'the queued message was answered' });
  assert.equal(rig.tg.visible(USER_ID).filter((m) => m.visibleText.includes('cut off')).length, 1, 'reported once');
});
