/**
 * An agent added while ductor runs works fully without a restart: its tool scripts (run by its
 * CLI, with the environment ductor gives it) see the settings it inherits from main, its cron
 * job runs and its webhook is answered. Removing it drops both.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { connectControl } from '../../src/shared/control-client.js';
import { freePort } from '../helpers/free-port.js';
import { startRig, transcriptResult, USER_ID } from '../helpers/rig.js';
import { runDuctor } from '../helpers/spawn-ductor.js';
import { waitFor } from '../helpers/wait-for.js';

const LATE_TOKEN = '4444444444:AAlateTOKENlateTOKENlateTOKENlateTOK44';

type ExecRecord = { event: string; on?: string; code?: number; stdout?: string };

/** What the fake CLI's "tool call" printed for the prompt containing `on` (the newest run). */
async function execOutput(cliRuns: () => Promise<unknown[]>, on: string): Promise<Record<string, unknown>> {
  const found = await waitFor(async () => (await cliRuns() as ExecRecord[]).filter((r) => r.event === 'exec' && r.on === on).at(-1), { timeoutMs: 30_000, message: `tool run for "${on}"` });
  assert.equal(found.code, 0, found.stdout);
  return JSON.parse(found.stdout ?? '') as Record<string, unknown>;
}

test('an agent added at runtime: tools see inherited settings, its cron job runs and its webhook is answered, all without a restart', async (t) => {
  const webhookPort = await freePort();
  const rules = [
    { on: 'what time is it', run: 'node tools/cron_tools/cron_time.mjs' },
    { on: 'schedule the report', run: 'node tools/cron_tools/cron_add.mjs --name late-report --title "Late report" --description "Report" --schedule "0 9 * * *"' },
    { on: 'add the hook', run: 'node tools/webhook_tools/webhook_add.mjs --name late-hook --title "Late hook" --description "Hook" --mode wake --prompt-template "Hook says {{msg}}"' },
  ];
  const rig = await startRig(t, {
    config: { user_timezone: 'Asia/Tokyo', webhooks: { enabled: true, port: webhookPort } },
    tokens: [LATE_TOKEN],
    env: { FAKE_CLI_EXEC: JSON.stringify(rules) },
  });
  const before = await rig.ductor.status();
  const added = await runDuctor(rig.home, ['agents', 'add', 'late', '--token', LATE_TOKEN, '--users', String(USER_ID)]);
  assert.equal(added.code, 0, added.stderr);
  await rig.ductor.waitForStatus((s) => s.workers.find((w) => w.id === 'agent:late')?.state === 'ready', 30_000);
  const ask = async (text: string) => {
    const { messageId } = rig.tg.pushMessage({ chatId: USER_ID, userId: USER_ID, text, token: LATE_TOKEN });
    await waitFor(() => rig.tg.sent(USER_ID, LATE_TOKEN).some((m) => m.replyTo === messageId), { timeoutMs: 30_000, message: `late answers "${text}"` });
  };

  await ask('what time is it');
  const time = await execOutput(rig.cliRuns, 'what time is it');
  assert.deepEqual([time.time_zone, time.configured], ['Asia/Tokyo', true], 'the sub-agent sees main’s user_timezone');

  await ask('schedule the report');
  assert.equal((await execOutput(rig.cliRuns, 'schedule the report')).created ?? true, true);
  const connection = await connectControl(rig.home);
  assert.ok(connection, 'control socket reachable');
  t.after(() => connection.close());
  const peer = connection.peer;
  const run = await peer.request('runCronNow', { agent: 'late', jobId: 'late-report' }, { target: 'scheduler', timeoutMs: 60_000 });
  assert.deepEqual(run, { ran: true, status: 'success' }, 'the scheduler runs the new agent’s cron job');
  const expected = (await transcriptResult('claude', 'claude-local-hello')).trim();
  await waitFor(() => rig.tg.sent(USER_ID, LATE_TOKEN).some((m) => m.visibleText.includes('Late report')), { timeoutMs: 20_000, message: 'the cron result reaches the late bot’s chat' });

  await ask('add the hook');
  const hook = await execOutput(rig.cliRuns, 'add the hook');
  assert.equal(hook.endpoint, `http://127.0.0.1:${webhookPort}/hooks/late-hook`, 'the tool names the real webhook port');
  assert.ok(!(hook.setup_steps as string[]).some((s) => s.includes('Webhooks are off')), 'the tool knows webhooks are on');
  const post = () => fetch(String(hook.endpoint), {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${String(hook.token)}` },
    body: JSON.stringify({ msg: 'ping' }),
  });
  // The scheduler reads webhooks.json within its poll interval.
  const accepted = await waitFor(async () => ((await post()).status === 202 ? true : undefined), { timeoutMs: 20_000, intervalMs: 500, message: 'the new agent’s webhook is accepted' });
  assert.ok(accepted);
  await waitFor(async () => (await rig.cliRuns() as ExecRecord[]).some((r) => r.event === 'start' && JSON.stringify(r).includes('Hook says ping')), { timeoutMs: 20_000, message: 'the hook woke the late agent' });
  await waitFor(() => rig.tg.sent(USER_ID, LATE_TOKEN).filter((m) => m.visibleText.includes(expected)).length >= 2, { timeoutMs: 20_000, message: 'the wake answer reaches the late bot’s chat' });

  const now = await rig.ductor.status();
  assert.equal(now.workers.find((w) => w.id === 'scheduler')?.pid, before.workers.find((w) => w.id === 'scheduler')?.pid, 'no restart of the scheduler was needed');

  const removed = await runDuctor(rig.home, ['agents', 'remove', 'late', '--yes']);
  assert.equal(removed.code, 0, removed.stderr);
  await rig.ductor.waitForStatus((s) => !s.workers.some((w) => w.id === 'agent:late'), 30_000);
  await waitFor(async () => ((await post()).status === 404 ? true : undefined), { timeoutMs: 20_000, intervalMs: 500, message: 'the removed agent’s webhook is gone' });
  await assert.rejects(peer.request('runCronNow', { agent: 'late', jobId: 'late-report' }, { target: 'scheduler', timeoutMs: 30_000 }), /no agent "late"/);
});
