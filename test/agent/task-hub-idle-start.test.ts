/**
 * An agent's task hub starts without taking the tasks file's cross-process lock or rewriting the
 * file when nothing of its own needs marking, dropping or starting: the lock's library then stays
 * unloaded in an idle agent (~0.5 MiB), and another agent's entries are left exactly as they are.
 */
import assert from 'node:assert/strict';
import { mkdir, mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import pino from 'pino';
import type { Config } from '../../src/shared/config/schema.js';
import type { ExtrasContext } from '../../src/workers/agent/delegation/context.js';
import { TaskHub } from '../../src/workers/agent/tasks/task-hub.js';

function context(tasksDir: string, agent: string): ExtrasContext {
  const unused = (name: string) => () => {
    throw new Error(`${name} is not used at start`);
  };
  return {
    agent,
    mainHome: tasksDir,
    paths: { tasksDir } as ExtrasContext['paths'],
    log: pino({ level: 'silent' }),
    config: () => ({ tasks: { finished_retention_hours: 0, finished_keep_last: 0 } }) as unknown as Config,
    runTurn: unused('runTurn') as unknown as ExtrasContext['runTurn'],
    outbox: {} as ExtrasContext['outbox'],
    env: unused('env'),
    configuredTarget: unused('configuredTarget'),
    service: unused('service'),
  };
}

function runningTask(taskId: string, agent: string, tasksDir: string): object {
  return {
    task_id: taskId, chat_id: 1, parent_agent: agent, name: 'build', prompt_preview: 'p', original_prompt: 'p',
    provider: 'claude', model: 'opus', status: 'running', created_at: 1_700_000_000, tasks_dir: tasksDir,
  };
}

test('a task hub start with nothing of its own to mark, drop or start neither writes nor creates the tasks file', async (t) => {
  const dir = await mkdtemp(join(tmpdir(), 'ductor-taskhub-'));
  t.after(() => rm(dir, { recursive: true, force: true }));
  const tasksDir = join(dir, 'tasks');
  await mkdir(join(tasksDir, 'aaaaaaaa'), { recursive: true });

  const missing = join(dir, 'missing.json');
  const fresh = new TaskHub(context(tasksDir, 'main'), missing, () => undefined);
  await fresh.start();
  fresh.stop();
  await assert.rejects(stat(missing), { code: 'ENOENT' }, 'no tasks file was written');

  // Another agent's running task: not this hub's to mark interrupted.
  const file = join(dir, 'tasks.json');
  const text = `${JSON.stringify({ tasks: [runningTask('aaaaaaaa', 'helper', tasksDir)] })}\n`;
  await writeFile(file, text);
  const before = (await stat(file)).mtimeMs;
  const hub = new TaskHub(context(tasksDir, 'main'), file, () => undefined);
  await hub.start();
  hub.stop();
  assert.equal(await readFile(file, 'utf8'), text, 'the file is left byte for byte');
  assert.equal((await stat(file)).mtimeMs, before);
  await assert.rejects(stat(`${file}.lock`), { code: 'ENOENT' });
});

test('a task of its own that was running when the worker died is still marked interrupted at start', async (t) => {
  const dir = await mkdtemp(join(tmpdir(), 'ductor-taskhub-'));
  t.after(() => rm(dir, { recursive: true, force: true }));
  const tasksDir = join(dir, 'tasks');
  await mkdir(join(tasksDir, 'bbbbbbbb'), { recursive: true });
  const file = join(dir, 'tasks.json');
  await writeFile(file, JSON.stringify({ tasks: [{ ...runningTask('bbbbbbbb', 'main', tasksDir), chat_id: 0 }] }));
  const notices: unknown[] = [];
  const ctx = context(tasksDir, 'main');
  ctx.outbox = { send: async (n: unknown) => { notices.push(n); } } as unknown as ExtrasContext['outbox'];
  const hub = new TaskHub(ctx, file, () => undefined);
  await hub.start();
  hub.stop();
  const saved = JSON.parse(await readFile(file, 'utf8')) as { tasks: { status: string; announced: boolean }[] };
  assert.equal(saved.tasks[0]?.status, 'interrupted');
  assert.equal(saved.tasks[0]?.announced, true);
});
