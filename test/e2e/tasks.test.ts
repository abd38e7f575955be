/**
 * Background tasks through the real supervisor: created over the internal API (as create_task.mjs
 * does), run beside the chat, ask the parent and get resumed, report into the chat, `/tasks`.
 */
import assert from 'node:assert/strict';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { test } from 'node:test';
import { startRig, transcriptResult, USER_ID, type Rig } from '../helpers/rig.js';
import { waitFor } from '../helpers/wait-for.js';
import { cliStarts, execs } from '../agent/delegation-rig.js';
import { freePort } from '../helpers/free-port.js';

type TaskRow = { task_id: string; status: string; question_count: number; session_id: string; name: string };

async function rigWithApi(t: Parameters<typeof startRig>[0], env: NodeJS.ProcessEnv): Promise<Rig & { api: (route: string, body?: object) => Promise<{ status: number; body: Record<string, unknown> }> }> {
  const port = await freePort();
  const rig = await startRig(t, { config: { interagent_port: port }, env });
  await rig.ductor.waitForStatus((s) => s.workers.every((w) => w.state === 'ready'), 30_000);
  const secret = (await readFile(join(rig.home, 'run', 'internal-api.secret'), 'utf8')).trim();
  const api = async (route: string, body?: object) => {
    const response = await fetch(`http://127.0.0.1:${port}${route}`, {
      method: body ? 'POST' : 'GET',
      headers: { authorization: `Bearer ${secret}`, 'content-type': 'application/json' },
      body: body ? JSON.stringify(body) : undefined,
    });
    return { status: response.status, body: (await response.json()) as Record<string, unknown> };
  };
  await waitFor(async () => (await api('/tasks/list').catch(() => null))?.status === 200, { timeoutMs: 15_000, message: 'the API listens' });
  return { ...rig, api };
}

async function tasksOnDisk(rig: Rig): Promise<TaskRow[]> {
  return (JSON.parse(await readFile(join(rig.home, 'tasks.json'), 'utf8')) as { tasks: TaskRow[] }).tasks;
}

const shown = (rig: Rig) => rig.tg.visible(USER_ID).map((m) => m.visibleText);

test('a task runs while the chat answers another message; /tasks shows it; its result comes back into the chat', async (t) => {
  // The task's CLI waits for a file the test writes, so it is provably still running meanwhile.
  const rig = await rigWithApi(t, {
    FAKE_CLI_EXEC: JSON.stringify([
      { on: 'BACKGROUND TASK COMPLETED', run: 'echo relayed the task result' },
      { on: 'SLOW-TASK', run: 'while [ ! -f "$DUCTOR_HOME/go" ]; do sleep 0.05; done; echo task-finished-ok' },
    ]),
  });
  const created = await rig.api('/tasks/create', { from: 'main', prompt: 'SLOW-TASK crunch the numbers', name: 'numbers', chat_id: USER_ID });
  assert.equal(created.status, 200, JSON.stringify(created.body));
  const taskId = created.body.task_id as string;
  assert.match(taskId, /^[0-9a-f]{8}$/);
  const taskRun = await waitFor(async () => (await cliStarts(rig)).find((r) => (r as { taskId?: string }).taskId === taskId), { timeoutMs: 20_000 });
  assert.equal(taskRun.cwd, join(rig.home, 'workspace'), 'the task runs in the agent’s workspace');
  assert.match(await readFile(join(rig.home, 'workspace', 'tasks', taskId, 'TASKMEMORY.md'), 'utf8'), /crunch the numbers/);

  const hello = await transcriptResult('claude', 'claude-local-hello');
  rig.tg.pushMessage({ chatId: USER_ID, userId: USER_ID, text: 'are you there?' });
  await waitFor(() => shown(rig).some((text) => text.includes(hello.trim().slice(0, 20))), { timeoutMs: 20_000, message: 'the chat answered while the task ran' });
  assert.equal((await tasksOnDisk(rig)).find((x) => x.task_id === taskId)?.status, 'running');

  rig.tg.pushMessage({ chatId: USER_ID, userId: USER_ID, text: '/tasks' });
  await waitFor(() => shown(rig).some((text) => text.includes(taskId) && text.includes('numbers') && text.includes('running')), { timeoutMs: 15_000, message: '/tasks lists the running task' });
  const listed = await rig.api('/tasks/list?from=main');
  assert.deepEqual((listed.body.tasks as TaskRow[]).map((x) => x.task_id), [taskId]);

  await writeFile(join(rig.home, 'go'), '');
  const injected = await waitFor(async () => (await cliStarts(rig)).find((r) => r.prompt.includes(`[BACKGROUND TASK COMPLETED: task_id='${taskId}'`)), { timeoutMs: 20_000, message: 'the result was injected' });
  assert.match(injected.prompt, /task-finished-ok/);
  await waitFor(() => shown(rig).some((text) => text.includes('relayed the task result')), { timeoutMs: 20_000, message: 'the agent’s reply reached the chat' });
  assert.equal((await tasksOnDisk(rig)).find((x) => x.task_id === taskId)?.status, 'done');
});

test('a task asks its parent, the parent resumes it with the answer, and it finishes', async (t) => {
  const waitingTask = `node -e 'process.stdout.write(require(process.env.DUCTOR_HOME + "/tasks.json").tasks.find((t) => t.status === "waiting").task_id)'`;
  const rig = await rigWithApi(t, {
    FAKE_CLI_FRESH_SESSION: '1',
    FAKE_CLI_EXEC: JSON.stringify([
      { on: 'BACKGROUND TASK COMPLETED', run: 'echo all done, told the user' },
      { on: 'BACKGROUND TASK QUESTION', run: `node tools/task_tools/resume_task.mjs "$(${waitingTask})" the answer is blue` },
      { on: 'ASKING-TASK', run: 'node tools/task_tools/ask_parent.mjs "which colour?"' },
    ]),
  });
  const created = await rig.api('/tasks/create', { from: 'main', prompt: 'ASKING-TASK paint it', chat_id: USER_ID });
  const taskId = created.body.task_id as string;
  const question = await waitFor(async () => (await cliStarts(rig)).find((r) => r.prompt.includes(`[BACKGROUND TASK QUESTION: task_id='${taskId}'`)), { timeoutMs: 30_000, message: 'the question reached the parent' });
  assert.match(question.prompt, /which colour\?/);
  const resumed = await waitFor(async () => (await cliStarts(rig)).find((r) => (r as { taskId?: string }).taskId === taskId && r.prompt.includes('the answer is blue')), {
    timeoutMs: 30_000,
    message: 'the task was resumed with the answer',
  }).catch(async (error: unknown) => {
    throw new Error(`${String(error)}; execs: ${JSON.stringify(await execs(rig))}`);
  });
  const first = (await cliStarts(rig)).find((r) => (r as { taskId?: string }).taskId === taskId)!;
  assert.ok(resumed.argv?.includes('--resume'), 'the task continues its own CLI session');
  assert.notEqual(first.pid, resumed.pid);
  await waitFor(() => shown(rig).some((text) => text.includes('all done, told the user')), { timeoutMs: 30_000, message: 'the final result reached the chat' });
  const entry = (await tasksOnDisk(rig)).find((x) => x.task_id === taskId)!;
  assert.equal(entry.status, 'done');
  assert.equal(entry.question_count, 1);
  // Ownership: another agent name may not touch it; a finished task can be deleted by its owner.
  assert.equal((await rig.api('/tasks/cancel', { task_id: taskId, from: 'other' })).status, 403);
  assert.equal((await rig.api('/tasks/delete', { task_id: taskId, from: 'main' })).status, 200);
  assert.deepEqual(await tasksOnDisk(rig), []);
});

test('/tasks cancels a running task', async (t) => {
  const rig = await rigWithApi(t, { FAKE_CLI_HANG_ON: 'HANGING-TASK' });
  const created = await rig.api('/tasks/create', { from: 'main', prompt: 'HANGING-TASK forever', chat_id: USER_ID });
  const taskId = created.body.task_id as string;
  await waitFor(async () => (await cliStarts(rig)).some((r) => (r as { taskId?: string }).taskId === taskId), { timeoutMs: 20_000 });
  rig.tg.pushMessage({ chatId: USER_ID, userId: USER_ID, text: `/tasks cancel ${taskId}` });
  await waitFor(() => shown(rig).some((text) => text.includes(`Background task ${taskId}`) && text.includes('cancelled')), { timeoutMs: 20_000, message: 'the cancellation is announced' });
  assert.equal((await tasksOnDisk(rig)).find((x) => x.task_id === taskId)?.status, 'cancelled');
});

test('a task that was running when the worker died is marked interrupted and announced once, not resumed', async (t) => {
  const taskId = 'abcdef01';
  const rig = await startRig(t, {
    config: { interagent_port: await freePort() },
    beforeStart: async (home: string) => {
      const { mkdir } = await import('node:fs/promises');
      await mkdir(join(home, 'workspace', 'tasks', taskId), { recursive: true });
      const entry = {
        task_id: taskId, chat_id: USER_ID, parent_agent: 'main', name: 'long job', prompt_preview: 'p', original_prompt: 'p',
        provider: 'claude', model: 'opus', status: 'running', session_id: 'f0e1d2c3-0000-4000-8000-000000000001', created_at: Date.now() / 1000,
        tasks_dir: join(home, 'workspace', 'tasks'),
      };
      await writeFile(join(home, 'tasks.json'), JSON.stringify({ tasks: [entry] }));
    },
  });
  await waitFor(() => rig.tg.visible(USER_ID).some((m) => m.visibleText.includes(`Background task ${taskId} (long job) was interrupted`)), { timeoutMs: 20_000 });
  const entry = (await tasksOnDisk(rig)).find((x) => x.task_id === taskId) as TaskRow & { announced: boolean };
  assert.equal(entry.status, 'interrupted');
  assert.equal(entry.announced, true);
  assert.equal((await cliStarts(rig)).length, 0, 'never resumed on its own');
});

test('a batch task waits while a background task of its chat runs, then starts; the cap counts queued tasks; interactive bypasses it', async (t) => {
  const port = await freePort();
  const rig = await startRig(t, {
    config: { interagent_port: port, tasks: { max_parallel: 2 } },
    env: {
      FAKE_CLI_EXEC: JSON.stringify([
        { on: 'BACKGROUND TASK', run: 'echo noted' },
        { on: 'BG-TASK', run: 'while [ ! -f "$DUCTOR_HOME/go" ]; do sleep 0.05; done; echo background-finished' },
        { on: 'BATCH-TASK', run: 'echo batch-finished' },
        { on: 'QUICK-INTERACTIVE', run: 'echo interactive-finished' },
      ]),
    },
  });
  const secret = (await readFile(join(rig.home, 'run', 'internal-api.secret'), 'utf8')).trim();
  const api = async (route: string, body: object) => {
    const response = await fetch(`http://127.0.0.1:${port}${route}`, { method: 'POST', headers: { authorization: `Bearer ${secret}`, 'content-type': 'application/json' }, body: JSON.stringify(body) });
    return { status: response.status, body: (await response.json()) as Record<string, unknown> };
  };
  await waitFor(async () => (await api('/tasks/list', {}).catch(() => null)) !== null, { timeoutMs: 15_000, message: 'the API listens' });
  const taskStarted = async (id: string) => (await cliStarts(rig)).some((r) => (r as { taskId?: string }).taskId === id);

  const background = (await api('/tasks/create', { from: 'main', prompt: 'BG-TASK long work', chat_id: USER_ID })).body.task_id as string;
  await waitFor(() => taskStarted(background), { timeoutMs: 20_000, message: 'the background task runs' });
  const batch = await api('/tasks/create', { from: 'main', prompt: 'BATCH-TASK bulk work', priority: 'batch', chat_id: USER_ID });
  assert.equal(batch.status, 200, JSON.stringify(batch.body));
  assert.equal(batch.body.queued, true);
  const batchId = batch.body.task_id as string;
  assert.equal((await tasksOnDisk(rig)).find((x) => x.task_id === batchId)?.status, 'queued');

  // Two non-interactive tasks (one running, one queued) fill a cap of 2; interactive still runs.
  const third = await api('/tasks/create', { from: 'main', prompt: 'BATCH-TASK more', priority: 'background', chat_id: USER_ID });
  assert.equal(third.status, 429);
  assert.match(String(third.body.error), /Too many background tasks \(2 max\)/);
  const interactive = (await api('/tasks/create', { from: 'main', prompt: 'QUICK-INTERACTIVE now', priority: 'interactive', chat_id: USER_ID })).body.task_id as string;
  await waitFor(async () => (await tasksOnDisk(rig)).find((x) => x.task_id === interactive)?.status === 'done', { timeoutMs: 20_000, message: 'the interactive task finished' });
  assert.equal(await taskStarted(batchId), false, 'the batch task has not started while the background task runs');
  assert.equal((await tasksOnDisk(rig)).find((x) => x.task_id === batchId)?.status, 'queued');

  await writeFile(join(rig.home, 'go'), '');
  await waitFor(async () => (await tasksOnDisk(rig)).find((x) => x.task_id === batchId)?.status === 'done', { timeoutMs: 30_000, message: 'the batch task ran after the background task' });
  assert.equal((await tasksOnDisk(rig)).find((x) => x.task_id === background)?.status, 'done');
});
