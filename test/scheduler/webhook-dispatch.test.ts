import assert from 'node:assert/strict';
import { test } from 'node:test';
import { WebhookSchema, type Webhook } from '../../src/shared/automation/cron-jobs-file.js';
import { DependencyLocks } from '../../src/workers/scheduler/dependency-locks.js';
import { PAYLOAD_BEGIN_MARKER } from '../../src/workers/scheduler/template.js';
import { createHookDispatcher } from '../../src/workers/scheduler/webhook-dispatch.js';
import { waitFor } from '../helpers/wait-for.js';

const hook = (fields: Partial<Webhook> & { id: string }) => WebhookSchema.parse({ prompt_template: 'Event {{type}}', ...fields });

function setup(nowIso = '2025-06-01T12:00:00Z') {
  const calls: Array<{ kind: string; id: string; prompt: string }> = [];
  const locks = new DependencyLocks();
  const dispatch = createHookDispatcher({
    locks,
    timeZone: () => 'UTC',
    now: () => new Date(nowIso),
    runWake: async (h, prompt) => {
      calls.push({ kind: 'wake', id: h.id, prompt });
      return 'success';
    },
    runCronTask: async (h, prompt) => {
      calls.push({ kind: 'cron_task', id: h.id, prompt });
      return 'success';
    },
  });
  return { dispatch, calls, locks };
}

test('wake hooks get the rendered, wrapped prompt', async () => {
  const { dispatch, calls } = setup();
  assert.equal(await dispatch(hook({ id: 'w', mode: 'wake' }), { type: 'push' }), 'success');
  assert.equal(calls[0]?.kind, 'wake');
  assert.ok(calls[0]?.prompt.startsWith(PAYLOAD_BEGIN_MARKER));
  assert.match(calls[0]?.prompt ?? '', /Event push/);
});

test('cron_task hooks need a folder and respect their quiet hours', async () => {
  const { dispatch, calls } = setup('2025-06-01T23:00:00Z');
  assert.equal(await dispatch(hook({ id: 'a', mode: 'cron_task' }), {}), 'error:no_task_folder');
  assert.equal(await dispatch(hook({ id: 'b', mode: 'cron_task', task_folder: 'b', quiet_start: 22, quiet_end: 6 }), {}), 'skipped:quiet_hours');
  assert.equal(await dispatch(hook({ id: 'c', mode: 'cron_task', task_folder: 'c', quiet_start: 8, quiet_end: 20 }), {}), 'success');
  assert.deepEqual(calls.map((c) => c.id), ['c']);
});

test('cron_task hooks wait for their dependency lock', async () => {
  const { dispatch, calls, locks } = setup();
  const release = await locks.acquire('db');
  const run = dispatch(hook({ id: 'c', mode: 'cron_task', task_folder: 'c', dependency: 'db' }), {});
  await waitFor(() => locks.waitingFor('db') === 1);
  assert.equal(calls.length, 0);
  release();
  assert.equal(await run, 'success');
  assert.equal(calls.length, 1);
});

test('unknown modes and thrown errors become statuses', async () => {
  const { dispatch } = setup();
  assert.equal(await dispatch(hook({ id: 'x', mode: 'teleport' }), {}), 'error:unknown_mode_teleport');
  const failing = createHookDispatcher({
    locks: new DependencyLocks(),
    timeZone: () => 'UTC',
    runWake: async () => {
      throw new Error('no session');
    },
    runCronTask: async () => 'success',
  });
  assert.equal(await failing(hook({ id: 'w', mode: 'wake' }), {}), 'error:exception');
});
