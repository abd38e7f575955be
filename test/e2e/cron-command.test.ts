/** `/cron` through the real supervisor and the fake Bot API: list, marks, toggles, all on/off, pages, run now. */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { test } from 'node:test';
import { startRig, transcriptResult, USER_ID, type Rig } from '../helpers/rig.js';
import { waitFor } from '../helpers/wait-for.js';

type Keyboard = { inline_keyboard: { text: string; callback_data: string }[][] };

function addJob(home: string, name: string): Promise<void> {
  return new Promise((resolve, reject) => {
    execFile(
      process.execPath,
      [join('tools', 'cron_tools', 'cron_add.mjs'), '--name', name, '--title', `Job ${name}`, '--description', 'Say hello', '--schedule', '0 9 * * *'],
      { cwd: join(home, 'workspace'), env: { ...process.env, DUCTOR_HOME: home, DUCTOR_CHAT_ID: String(USER_ID), DUCTOR_TRANSPORT: 'tg' } },
      (error) => (error ? reject(error) : resolve()),
    );
  });
}

async function jobs(rig: Rig): Promise<Array<{ id: string; enabled?: boolean; last_run_status?: string }>> {
  return (JSON.parse(await readFile(join(rig.home, 'cron_jobs.json'), 'utf8')) as { jobs: Array<{ id: string; enabled?: boolean }> }).jobs;
}

function button(markup: unknown, label: string): string {
  const found = (markup as Keyboard).inline_keyboard.flat().find((b) => b.text === label);
  assert.ok(found, `button ${label} in ${JSON.stringify(markup)}`);
  return found.callback_data;
}

test('/cron lists jobs in pages with marks; buttons toggle one, all off/on, page on, and run a job now', async (t) => {
  const rig = await startRig(t);
  for (const name of ['a1', 'a2', 'a3', 'a4', 'a5', 'a6']) await addJob(rig.home, name);
  // A job whose last result could not be delivered carries the mark.
  const file = join(rig.home, 'cron_jobs.json');
  const raw = JSON.parse(await readFile(file, 'utf8')) as { jobs: Array<Record<string, unknown>> };
  Object.assign(raw.jobs[1]!, { last_run_at: '2025-06-30T07:00:00Z', last_run_status: 'success', last_delivery_status: 'failed', last_delivery_error: 'chat not found' });
  const { writeFile } = await import('node:fs/promises');
  await writeFile(file, JSON.stringify(raw, null, 2));

  const mine = () => rig.tg.visible(USER_ID);
  const { messageId } = rig.tg.pushMessage({ chatId: USER_ID, userId: USER_ID, text: '/cron' });
  const list = await waitFor(() => mine().find((m) => m.replyTo === messageId), { timeoutMs: 20_000 });
  assert.match(list.visibleText, /Cron jobs \(1\/2\)/);
  assert.match(list.visibleText, /✅ a2 — Job a2\n\s+0 9 \* \* \* · last: success, 2025-06-30 \d\d:00 \(delivery failed\)/);
  assert.match(list.visibleText, /✅ a1 — Job a1\n\s+0 9 \* \* \* · never ran/);
  assert.doesNotMatch(list.visibleText, /a6/, 'five jobs a page');

  const seen = () => mine().length;
  const press = async (markup: unknown, label: string) => {
    const before = seen();
    rig.tg.pushCallbackQuery({ chatId: USER_ID, userId: USER_ID, messageId: list.messageId, data: button(markup, label) });
    return waitFor(() => (seen() > before ? mine().at(-1) : undefined), { timeoutMs: 20_000, message: `answer to ${label}` });
  };

  const toggled = await press(list.replyMarkup, '⏸ Disable a3');
  assert.match(toggled.visibleText, /⏸ a3 disabled\./);
  assert.match(toggled.visibleText, /⏸ a3 — Job a3/);
  assert.equal((await jobs(rig)).find((j) => j.id === 'a3')?.enabled, false, 'written to cron_jobs.json');
  button(toggled.replyMarkup, '▶️ Enable a3');

  const next = await press(toggled.replyMarkup, '▶');
  assert.match(next.visibleText, /Cron jobs \(2\/2\)/);
  assert.match(next.visibleText, /a6/);

  const allOff = await press(next.replyMarkup, 'All off');
  assert.match(allOff.visibleText, /Disabled 5 jobs\./, 'a3 was off already');
  assert.ok((await jobs(rig)).every((j) => j.enabled === false));

  // A disabled job offers no "run now"; a stale button from before is refused with the reason.
  assert.ok(!(allOff.replyMarkup as Keyboard).inline_keyboard.flat().some((b) => b.text === '🚀 Run now'));
  const stale = await press(next.replyMarkup, '🚀 Run now');
  assert.match(stale.visibleText, /Could not run a6: it is disabled\./);

  const allOn = await press(allOff.replyMarkup, 'All on');
  assert.match(allOn.visibleText, /Enabled 6 jobs\./);
  assert.ok((await jobs(rig)).every((j) => j.enabled === true));

  const expected = await transcriptResult('claude', 'claude-local-hello');
  const ran = await press(allOn.replyMarkup, '🚀 Run now');
  assert.match(ran.visibleText, /a6 is running now/);
  await waitFor(() => mine().find((m) => m.visibleText.includes(expected.trim()) && m.visibleText.includes('Job a6')), { timeoutMs: 30_000, message: 'the run delivered its result' });
  await waitFor(async () => (await jobs(rig)).find((j) => j.id === 'a6')?.last_run_status === 'success', { timeoutMs: 15_000 });
  const start = (await rig.cliRuns()).find((r) => r.event === 'start');
  assert.equal(start?.cwd, join(rig.home, 'workspace', 'cron_tasks', 'a6'));
});
