/**
 * Delegation between agents through the real supervisor: the main agent's CLI runs the
 * ask_agent tools (the fake CLI executes them like a tool call), the internal API in the
 * scheduler hands the request to the sub-agent's worker, whose own CLI answers in its workspace.
 */
import assert from 'node:assert/strict';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { test } from 'node:test';
import { startRig, transcriptResult, USER_ID, type Rig } from '../helpers/rig.js';
import { waitFor } from '../helpers/wait-for.js';
import { cliStarts } from '../agent/delegation-rig.js';
import { freePort } from '../helpers/free-port.js';

const HELPER_TOKEN = '2222222222:AAhelperTOKENhelperTOKENhelperTOKEN22';

async function rigWithHelper(t: Parameters<typeof startRig>[0], env: NodeJS.ProcessEnv = {}): Promise<Rig & { port: number }> {
  const port = await freePort();
  const rig = await startRig(t, {
    config: { interagent_port: port },
    env,
    beforeStart: async (home: string) => {
      await writeFile(join(home, 'agents.json'), JSON.stringify([{ name: 'helper', telegram_token: HELPER_TOKEN, allowed_user_ids: [USER_ID], model: 'sonnet' }]));
    },
    tokens: [HELPER_TOKEN],
  });
  await rig.ductor.waitForStatus((s) => s.workers.find((w) => w.id === 'agent:helper')?.state === 'ready' && s.workers.find((w) => w.id === 'scheduler')?.state === 'ready', 30_000);
  return { ...rig, port };
}

const textsTo = (rig: Rig, token: string | null) =>
  rig.tg.calls
    .filter((c) => (c.method === 'sendMessage' || c.method === 'editMessageText') && (token === null || c.token === token))
    .map((c) => String(c.params.text ?? ''));

test('sync: main’s CLI asks the sub-agent, which answers from its own workspace, and main shows the answer', async (t) => {
  const tool = 'node tools/agent_tools/ask_agent.mjs helper what is the answer';
  const rig = await rigWithHelper(t, { FAKE_CLI_EXEC: JSON.stringify([{ on: 'ASK-HELPER', run: tool }]) });
  const hello = await transcriptResult('claude', 'claude-local-hello');
  rig.tg.pushMessage({ chatId: USER_ID, userId: USER_ID, text: 'ASK-HELPER please' });
  await waitFor(() => textsTo(rig, null).some((text) => text.includes('"sender": "helper"')), { timeoutMs: 30_000, message: 'the tool output reached main’s chat' });

  const runs = await rig.cliRuns();
  const helperRun = (await cliStarts(rig)).find((r) => r.agent === 'helper');
  assert.ok(helperRun, 'the sub-agent ran its own CLI');
  assert.equal(helperRun.cwd, join(rig.home, 'agents', 'helper', 'workspace'), 'in its own workspace');
  assert.match(helperRun.prompt, /\[INTER-AGENT MESSAGE from 'main' to 'helper'\][\s\S]*what is the answer/);
  const exec = runs.find((r) => r.event === 'exec') as { code?: number; stdout?: string } | undefined;
  assert.equal(exec?.code, 0, exec?.stdout);
  const output = JSON.parse(exec!.stdout!) as { sender: string; text: string; session: string };
  assert.equal(output.sender, 'helper');
  assert.equal(output.text, hello.trim());
  assert.equal(output.session, 'ia-main');
  // The helper's scoped session for main is persisted in its own home.
  const named = JSON.parse(await readFile(join(rig.home, 'agents', 'helper', 'named_sessions.json'), 'utf8')) as { sessions: { name: string; kind: string }[] };
  assert.deepEqual(named.sessions.map((s) => [s.name, s.kind]), [['ia-main', 'interagent']]);
  assert.ok(!rig.tg.calls.some((c) => c.token === HELPER_TOKEN && c.method === 'sendMessage'), 'a sync request shows nothing in the helper’s chat');
});

test('async: accepted with a task id, the helper is told, and its result is brought into main’s chat', async (t) => {
  const tool = 'node tools/agent_tools/ask_agent_async.mjs --summary "research X" helper research X for me';
  const rig = await rigWithHelper(t, { FAKE_CLI_EXEC: JSON.stringify([{ on: 'ASYNC-HELPER', run: tool }]) });
  rig.tg.pushMessage({ chatId: USER_ID, userId: USER_ID, text: 'ASYNC-HELPER go' });
  await waitFor(() => textsTo(rig, null).some((text) => text.includes('"task_id"')), { timeoutMs: 30_000, message: 'main shows the accepted job' });
  const exec = (await rig.cliRuns()).find((r) => r.event === 'exec') as { stdout?: string };
  const taskId = (JSON.parse(exec.stdout!) as { task_id: string }).task_id;
  assert.match(taskId, /^[0-9a-f]{12}$/);

  await waitFor(() => textsTo(rig, HELPER_TOKEN).some((text) => text.includes('Request from agent main') && text.includes('research X')), { timeoutMs: 30_000, message: 'the helper’s user sees the request' });
  const injected = await waitFor(
    async () => (await cliStarts(rig)).find((r) => r.agent === 'main' && r.prompt.includes(`[ASYNC INTER-AGENT RESPONSE from 'helper' (task ${taskId})]`)),
    { timeoutMs: 30_000, message: 'the result was injected into main’s session' },
  );
  assert.match(injected.prompt, /research X for me/, 'with the original request');
  const hello = await transcriptResult('claude', 'claude-local-hello');
  // Main's reply to the injected result is delivered to the user by the main bot.
  await waitFor(() => rig.tg.calls.filter((c) => c.token !== HELPER_TOKEN && c.method === 'sendMessage' && String(c.params.text).includes(hello.trim().slice(0, 20))).length >= 1, { timeoutMs: 30_000 });
});

test('the internal API refuses a missing or wrong secret, lists agents with it, and listens on loopback only', async (t) => {
  const rig = await rigWithHelper(t);
  const secret = (await readFile(join(rig.home, 'run', 'internal-api.secret'), 'utf8')).trim();
  assert.ok(secret.length >= 32);
  const url = `http://127.0.0.1:${rig.port}/interagent/agents`;
  await waitFor(async () => (await fetch(url).catch(() => null)) !== null, { timeoutMs: 15_000, message: 'the API listens' });
  assert.equal((await fetch(url)).status, 401);
  assert.equal((await fetch(url, { headers: { authorization: 'Bearer wrong' } })).status, 401);
  assert.equal((await fetch(url, { headers: { authorization: `Bearer ${secret.slice(0, -1)}x` } })).status, 401);
  const ok = await fetch(url, { headers: { authorization: `Bearer ${secret}` } });
  assert.equal(ok.status, 200);
  assert.deepEqual(await ok.json(), { agents: ['main', 'helper'] });
  const unknown = await fetch(`http://127.0.0.1:${rig.port}/interagent/send`, {
    method: 'POST',
    headers: { authorization: `Bearer ${secret}`, 'content-type': 'application/json' },
    body: JSON.stringify({ from: 'main', to: 'nobody', message: 'hi' }),
  });
  assert.match(((await unknown.json()) as { error: string }).error, /Agent 'nobody' not found. Available: main, helper/);
  // The listening socket's local address is 127.0.0.1 (0100007F in /proc/net/tcp), never 0.0.0.0.
  const hexPort = rig.port.toString(16).toUpperCase().padStart(4, '0');
  const listening = (await readFile('/proc/net/tcp', 'utf8')).split('\n').filter((l) => l.includes(`:${hexPort} `) && l.trim().split(/\s+/)[3] === '0A');
  assert.deepEqual(listening.map((l) => l.trim().split(/\s+/)[1]), [`0100007F:${hexPort}`]);
  const v6 = await readFile('/proc/net/tcp6', 'utf8').catch(() => '');
  assert.ok(!v6.split('\n').some((l) => l.includes(`:${hexPort} `) && l.trim().split(/\s+/)[3] === '0A'), 'no IPv6 listener');
});
