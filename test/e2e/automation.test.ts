/** Cron jobs, webhooks and heartbeat through the real supervisor, fake Bot API and fake CLIs. */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { createHmac } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { TestContext } from 'node:test';
import { test } from 'node:test';
import { connectControl } from '../../src/shared/control-client.js';
import type { RpcPeer } from '../../src/shared/rpc/peer.js';
import { startRig, transcriptResult, USER_ID, writeClaudeTranscript } from '../helpers/rig.js';
import { waitFor } from '../helpers/wait-for.js';
import { freePort } from '../helpers/free-port.js';

type ToolResult = { code: number | null; json: Record<string, unknown> };

/** Runs a workspace tool script the way the CLI agent does: node, from the workspace, DUCTOR_* in env. */
function runTool(home: string, script: string, args: string[]): Promise<ToolResult> {
  const workspace = join(home, 'workspace');
  return new Promise((resolve, reject) => {
    execFile(
      process.execPath,
      [join('tools', script), ...args],
      { cwd: workspace, env: { ...process.env, DUCTOR_HOME: home, DUCTOR_CHAT_ID: String(USER_ID), DUCTOR_TRANSPORT: 'tg' } },
      (error, stdout) => {
        try {
          resolve({ code: error ? ((error as { code?: number }).code ?? 1) : 0, json: JSON.parse(stdout) as Record<string, unknown> });
        } catch (parseError) {
          reject(new Error(`${script} printed no JSON: ${stdout} (${String(parseError)})`));
        }
      },
    );
  });
}

async function control(t: TestContext, home: string): Promise<RpcPeer> {
  const connection = await connectControl(home);
  assert.ok(connection, 'control socket reachable');
  t.after(() => connection.close());
  return connection.peer;
}

async function readJson(file: string): Promise<Record<string, unknown>> {
  return JSON.parse(await readFile(file, 'utf8')) as Record<string, unknown>;
}

test('a cron job added by the tool script runs the CLI in its task folder and its result reaches the chat', async (t) => {
  const rig = await startRig(t);
  const expected = await transcriptResult('claude', 'claude-local-hello');
  const added = await runTool(rig.home, 'cron_tools/cron_add.mjs', ['--name', 'Morning News', '--title', 'Morning news', '--description', 'Say hello', '--schedule', '0 9 * * *']);
  assert.equal(added.code, 0);
  assert.equal(added.json.name_sanitized, 'morning-news');

  const peer = await control(t, rig.home);
  // runCronNow re-reads cron_jobs.json first, then runs through node-cron's execute(): the scheduled path.
  const run = await peer.request('runCronNow', { agent: 'main', jobId: 'morning-news' }, { target: 'scheduler', timeoutMs: 60_000 });
  assert.deepEqual(run, { ran: true, status: 'success' });

  const start = (await rig.cliRuns()).find((r) => r.event === 'start');
  assert.equal(start?.cwd, join(rig.home, 'workspace', 'cron_tasks', 'morning-news'));
  assert.ok(!start?.argv?.includes('--resume'), 'a fresh session');
  assert.ok(start?.argv?.includes('--no-session-persistence'), 'a one-shot leaves no saved session behind');
  const shown = await waitFor(() => rig.tg.visible(USER_ID).find((m) => m.visibleText.includes(expected.trim())), { timeoutMs: 15_000, message: 'cron result visible' });
  assert.ok(shown.visibleText.includes('Morning news'), 'the job title heads the result');

  const jobs = (await readJson(join(rig.home, 'cron_jobs.json'))).jobs as Array<Record<string, unknown>>;
  assert.equal(jobs[0]?.last_run_status, 'success');
  assert.equal(jobs[0]?.last_delivery_status, 'ok');

  const listed = await runTool(rig.home, 'cron_tools/cron_list.mjs', []);
  assert.equal(listed.json.count, 1);
  const removed = await runTool(rig.home, 'cron_tools/cron_remove.mjs', ['morning-news']);
  assert.equal(removed.code, 0);
  const after = await peer.request('runCronNow', { agent: 'main', jobId: 'morning-news' }, { target: 'scheduler', timeoutMs: 60_000 });
  assert.deepEqual(after, { ran: false, status: 'unknown_job' }, 'the scheduler dropped the removed job');
});

test('a cron job whose folder is missing records error:folder_missing and sends nothing', async (t) => {
  const rig = await startRig(t);
  await runTool(rig.home, 'cron_tools/cron_add.mjs', ['--name', 'gone', '--title', 'Gone', '--description', 'd', '--schedule', '*/5 * * * *']);
  const { rm } = await import('node:fs/promises');
  await rm(join(rig.home, 'workspace', 'cron_tasks', 'gone'), { recursive: true });
  const peer = await control(t, rig.home);
  const run = await peer.request('runCronNow', { agent: 'main', jobId: 'gone' }, { target: 'scheduler', timeoutMs: 60_000 });
  assert.deepEqual(run, { ran: true, status: 'error:folder_missing' });
  // The main agent's codex model discovery (`codex app-server`) is no turn.
  assert.equal((await rig.cliRuns()).filter((r) => r.event !== 'app-server').length, 0);
  assert.deepEqual(rig.tg.sent(USER_ID), []);
});

test('a GitHub-signed webhook wakes the chat session; a bad signature gets 401 and runs nothing', async (t) => {
  const port = await freePort();
  const rig = await startRig(t, { config: { webhooks: { enabled: true, port } } });
  const expected = await transcriptResult('claude', 'claude-local-hello');
  const secret = "It's a Secret to Everybody";
  const added = await runTool(rig.home, 'webhook_tools/webhook_add.mjs', [
    '--name', 'gh-push', '--title', 'Push', '--description', 'GitHub pushes', '--mode', 'wake',
    '--prompt-template', 'New push to {{repository}} by {{pusher}}', '--auth-mode', 'hmac',
    '--hmac-secret', secret, '--hmac-header', 'X-Hub-Signature-256',
  ]);
  assert.equal(added.code, 0);
  const peer = await control(t, rig.home);
  assert.deepEqual(await peer.request('reloadAutomation', { agent: 'main' }, { target: 'scheduler' }), { jobs: 0, hooks: 1 });

  // The global token was generated and persisted because the config had none.
  const config = await readJson(join(rig.home, 'config', 'config.json'));
  assert.ok(String((config.webhooks as Record<string, unknown>).token).length >= 32);

  const body = JSON.stringify({ repository: 'octo/hello', pusher: 'mona' });
  const url = `http://127.0.0.1:${port}/hooks/gh-push`;
  const bad = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', 'x-hub-signature-256': `sha256=${'0'.repeat(64)}` }, body });
  assert.equal(bad.status, 401);
  assert.deepEqual(await bad.json(), { error: 'unauthorized' });
  const unknown = await fetch(`http://127.0.0.1:${port}/hooks/nope`, { method: 'POST', headers: { 'content-type': 'application/json' }, body });
  assert.equal(unknown.status, 404);

  const signature = `sha256=${createHmac('sha256', secret).update(body).digest('hex')}`;
  const good = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', 'x-hub-signature-256': signature }, body });
  assert.equal(good.status, 202);
  assert.deepEqual(await good.json(), { accepted: true, hook_id: 'gh-push' });

  await waitFor(() => rig.tg.visible(USER_ID).some((m) => m.visibleText.includes(expected.trim())), { timeoutMs: 20_000, message: 'wake answer visible' });
  const starts = (await rig.cliRuns()).filter((r) => r.event === 'start');
  assert.equal(starts.length, 1, 'only the signed request ran the CLI');
  assert.equal(starts[0]?.cwd, join(rig.home, 'workspace'), 'wake runs in the chat session, in the workspace');
  const prompt = `${starts[0]?.stdin ?? ''}${(starts[0]?.argv ?? []).join(' ')}`;
  assert.ok(prompt.includes('New push to octo/hello by mona'), 'the rendered template reached the CLI');
  assert.ok(prompt.includes('EXTERNAL WEBHOOK PAYLOAD'), 'wrapped as untrusted input');

  await waitFor(async () => {
    const hooks = (await readJson(join(rig.home, 'webhooks.json'))).hooks as Array<Record<string, unknown>>;
    return hooks[0]?.trigger_count === 1 && hooks[0]?.last_error === null;
  }, { timeoutMs: 15_000, message: 'trigger recorded' });
});

test('a heartbeat answered with the ack token delivers nothing; any other answer is delivered', async (t) => {
  const { mkdtemp } = await import('node:fs/promises');
  const { tmpdir } = await import('node:os');
  const dir = await mkdtemp(join(tmpdir(), 'ductor-hb-'));
  const resume = await writeClaudeTranscript(dir, 'heartbeat', 'HEARTBEAT_OK');
  const rig = await startRig(t, { env: { FAKE_CLI_RESUME_TRANSCRIPT: resume } });
  const peer = await control(t, rig.home);
  const chat = { transport: 'tg' as const, chatId: USER_ID, topicId: null };
  const tick = () => peer.request('heartbeatTick', { chat, prompt: 'anything new?', ackToken: 'HEARTBEAT_OK', cooldownMinutes: 0 }, { target: 'agent:main', timeoutMs: 60_000 });

  assert.deepEqual(await tick(), { outcome: 'skipped', reason: 'no_session' }, 'the heartbeat never creates a session');

  const expected = await transcriptResult('claude', 'claude-local-hello');
  rig.tg.pushMessage({ chatId: USER_ID, userId: USER_ID, text: 'hello' });
  await waitFor(() => rig.tg.visible(USER_ID).some((m) => m.visibleText.includes(expected.trim())), { timeoutMs: 15_000 });
  const sessions = await readJson(join(rig.home, 'sessions.json'));
  const lastActive = (sessions[`tg:${USER_ID}`] as Record<string, unknown>).last_active;

  const sentBefore = rig.tg.sent(USER_ID).length;
  // The user's turn may still be finishing (journal, session record): the heartbeat leaves a busy chat alone.
  const acked = await waitFor(async () => {
    const result = await tick();
    return result.reason === 'cli_active' ? null : result;
  }, { timeoutMs: 15_000, intervalMs: 50 });
  assert.deepEqual(acked, { outcome: 'acked', reason: null });
  assert.equal(rig.tg.sent(USER_ID).length, sentBefore, 'nothing was sent for the ack');
  const afterAck = await readJson(join(rig.home, 'sessions.json'));
  assert.equal((afterAck[`tg:${USER_ID}`] as Record<string, unknown>).last_active, lastActive, 'an ack leaves the session untouched');
  const resumed = (await rig.cliRuns()).filter((r) => r.event === 'start').at(-1);
  assert.ok(resumed?.argv?.includes('--resume'), 'the heartbeat resumed the chat session');

  await writeClaudeTranscript(dir, 'heartbeat', 'Reminder: the plants need water. HEARTBEAT_OK');
  assert.deepEqual(await tick(), { outcome: 'delivered', reason: null });
  const shown = await waitFor(() => rig.tg.visible(USER_ID).find((m) => m.visibleText.includes('the plants need water')), { timeoutMs: 15_000 });
  assert.ok(!shown.visibleText.includes('HEARTBEAT_OK'), 'a trailing ack token is stripped');

  assert.deepEqual(
    await peer.request('heartbeatTick', { chat, prompt: 'again?', ackToken: 'HEARTBEAT_OK', cooldownMinutes: 60 }, { target: 'agent:main', timeoutMs: 60_000 }),
    { outcome: 'skipped', reason: 'cooldown' },
  );
});
