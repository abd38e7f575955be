import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test, type TestContext } from 'node:test';
import { CronJobSchema, readCronJobsFile, recordCronRun, type CronJob } from '../../src/shared/automation/cron-jobs-file.js';
import { CronScheduler, validateCronExpression, type CronRunOutcome, type RecordedOutcome } from '../../src/workers/scheduler/cron-scheduler.js';
import { DependencyLocks } from '../../src/workers/scheduler/dependency-locks.js';
import { waitFor } from '../helpers/wait-for.js';

// A schedule that never fires during a test run (midnight, 1 January), so only `trigger` runs jobs.
const RARELY = '0 0 1 1 *';

function job(fields: Partial<CronJob> & { id: string }): CronJob {
  return CronJobSchema.parse({ schedule: RARELY, ...fields });
}

function deferred(): { promise: Promise<void>; resolve: () => void } {
  let resolve: () => void = () => undefined;
  const promise = new Promise<void>((r) => (resolve = r));
  return { promise, resolve };
}

function makeScheduler(t: TestContext, overrides: Partial<ConstructorParameters<typeof CronScheduler>[0]> = {}) {
  const recorded: Array<{ id: string; outcome: RecordedOutcome }> = [];
  const scheduler = new CronScheduler({
    userTimezone: 'UTC',
    runJob: async () => ({ status: 'success', durationMs: 0 }),
    recordOutcome: (j, outcome) => {
      recorded.push({ id: j.id, outcome });
    },
    ...overrides,
  });
  t.after(() => scheduler.stop());
  return { scheduler, recorded };
}

test('a */1 job is scheduled and its run is recorded', async (t) => {
  const ran: string[] = [];
  const { scheduler, recorded } = makeScheduler(t, {
    runJob: async (j) => {
      ran.push(j.id);
      return { status: 'success', durationMs: 5 };
    },
  });
  const report = scheduler.reload([job({ id: 'every-minute', schedule: '*/1 * * * *' })]);
  assert.deepEqual(report.scheduled, ['every-minute']);
  const next = scheduler.nextRun('every-minute');
  assert.ok(next instanceof Date && next.getUTCSeconds() === 0, 'next run sits on a minute boundary');

  const result = await scheduler.trigger('every-minute');
  assert.deepEqual(result, { ran: true, outcome: { status: 'success', durationMs: 5 } });
  assert.ok(ran.includes('every-minute'));
  assert.equal(recorded.at(-1)?.id, 'every-minute');
  assert.equal(recorded.at(-1)?.outcome.status, 'success');
});

test('an invalid expression is reported and skipped while the other jobs are scheduled', (t) => {
  const { scheduler } = makeScheduler(t);
  const report = scheduler.reload([
    job({ id: 'bad-minute', schedule: '61 * * * *' }),
    job({ id: 'too-short', schedule: '* * * *' }),
    job({ id: 'with-seconds', schedule: '0 * * * * *' }),
    job({ id: 'good', schedule: '*/15 8-18 * * 1-5' }),
  ]);
  assert.deepEqual(report.scheduled, ['good']);
  assert.deepEqual(report.invalid.map((i) => i.id).sort(), ['bad-minute', 'too-short', 'with-seconds']);
  assert.deepEqual(scheduler.scheduledIds(), ['good']);
  assert.equal(validateCronExpression('0 9 * * 7'), null, '7 is Sunday');
  assert.match(validateCronExpression('* * * *') ?? '', /5 fields/);
});

test('a job inside its quiet hours is skipped silently', async (t) => {
  let runs = 0;
  const { scheduler, recorded } = makeScheduler(t, {
    now: () => new Date('2025-03-10T23:30:00Z'),
    runJob: async () => {
      runs += 1;
      return { status: 'success', durationMs: 0 };
    },
  });
  scheduler.reload([
    job({ id: 'night', quiet_start: 22, quiet_end: 7 }),
    job({ id: 'day', quiet_start: 8, quiet_end: 20 }),
  ]);
  assert.deepEqual(await scheduler.trigger('night'), { ran: false, reason: 'quiet_hours' });
  assert.equal(runs, 0);
  assert.equal(recorded.length, 0, 'a quiet skip leaves no status');
  assert.equal((await scheduler.trigger('day')).ran, true);
  assert.equal(runs, 1);
});

test('quiet hours are evaluated in the job zone', async (t) => {
  const { scheduler } = makeScheduler(t, { now: () => new Date('2025-03-10T21:30:00Z') }); // 22:30 in Berlin
  scheduler.reload([
    job({ id: 'berlin', timezone: 'Europe/Berlin', quiet_start: 22, quiet_end: 7 }),
    job({ id: 'utc', quiet_start: 22, quiet_end: 7 }),
  ]);
  assert.deepEqual(await scheduler.trigger('berlin'), { ran: false, reason: 'quiet_hours' });
  assert.equal((await scheduler.trigger('utc')).ran, true);
});

test('a job that is still running is not started twice', async (t) => {
  const gate = deferred();
  let starts = 0;
  const { scheduler, recorded } = makeScheduler(t, {
    runJob: async () => {
      starts += 1;
      await gate.promise;
      return { status: 'success', durationMs: 1 };
    },
  });
  scheduler.reload([job({ id: 'slow' })]);
  const first = scheduler.trigger('slow');
  await waitFor(() => starts === 1, { message: 'first run started' });
  assert.equal(scheduler.isRunning('slow'), true);
  assert.deepEqual(await scheduler.trigger('slow'), { ran: false, reason: 'already_running' });
  gate.resolve();
  assert.equal((await first).ran, true);
  assert.equal(starts, 1);
  assert.equal(recorded.length, 1);
  assert.equal(scheduler.isRunning('slow'), false);
});

test('two jobs sharing a dependency never overlap and run in arrival order', async (t) => {
  const gates = new Map([
    ['a', deferred()],
    ['b', deferred()],
    ['c', deferred()],
  ]);
  const events: string[] = [];
  let active = 0;
  let maxActive = 0;
  const { scheduler } = makeScheduler(t, {
    runJob: async (j): Promise<CronRunOutcome> => {
      active += 1;
      maxActive = Math.max(maxActive, active);
      events.push(`start:${j.id}`);
      await gates.get(j.id)?.promise;
      events.push(`end:${j.id}`);
      active -= 1;
      return { status: 'success', durationMs: 0 };
    },
  });
  scheduler.reload([
    job({ id: 'a', dependency: 'browser' }),
    job({ id: 'b', dependency: 'browser' }),
    job({ id: 'c', dependency: null }),
  ]);
  const runA = scheduler.trigger('a');
  await waitFor(() => events.includes('start:a'));
  const runB = scheduler.trigger('b');
  const runC = scheduler.trigger('c');
  await waitFor(() => events.includes('start:c'), { message: 'a job without dependency is not held back' });
  assert.equal(events.includes('start:b'), false, 'b waits for a');
  assert.equal(scheduler.isRunning('b'), true, 'a queued job counts as running');
  gates.get('a')?.resolve();
  await waitFor(() => events.includes('start:b'));
  assert.ok(events.indexOf('end:a') < events.indexOf('start:b'));
  gates.get('b')?.resolve();
  gates.get('c')?.resolve();
  await Promise.all([runA, runB, runC]);
  assert.equal(maxActive, 2, 'only the unrelated job ran beside the locked ones');
});

test('the dependency lock is shared with other holders (webhook cron_task runs)', async (t) => {
  const locks = new DependencyLocks();
  const events: string[] = [];
  const { scheduler } = makeScheduler(t, {
    locks,
    runJob: async () => {
      events.push('cron');
      return { status: 'success', durationMs: 0 };
    },
  });
  scheduler.reload([job({ id: 'a', dependency: 'shared' })]);
  const release = await locks.acquire('shared');
  const run = scheduler.trigger('a');
  await waitFor(() => locks.waitingFor('shared') === 1);
  assert.equal(events.length, 0, 'the cron run waits for the holder');
  events.push('webhook-done');
  release();
  await run;
  assert.deepEqual(events, ['webhook-done', 'cron']);
});

test('a throwing runJob is recorded as error:exception', async (t) => {
  const { scheduler, recorded } = makeScheduler(t, {
    runJob: async () => {
      throw new Error('agent worker unreachable');
    },
  });
  scheduler.reload([job({ id: 'boom' })]);
  const result = await scheduler.trigger('boom');
  assert.equal(result.ran && result.outcome.status, 'error:exception');
  assert.equal(recorded[0]?.outcome.error, 'agent worker unreachable');
});

test('reload reschedules changed jobs, keeps unchanged ones and drops removed or disabled ones', (t) => {
  const { scheduler } = makeScheduler(t);
  scheduler.reload([job({ id: 'a' }), job({ id: 'b' }), job({ id: 'c' })]);
  const report = scheduler.reload([
    job({ id: 'a', title: 'renamed only' }),
    job({ id: 'b', schedule: '0 9 * * *' }),
    job({ id: 'c', enabled: false }),
    job({ id: 'd' }),
  ]);
  assert.deepEqual(report.unchanged, ['a']);
  assert.deepEqual(report.rescheduled, ['b']);
  assert.deepEqual(report.removed, ['c']);
  assert.deepEqual(report.scheduled, ['d']);
  assert.deepEqual(scheduler.scheduledIds().sort(), ['a', 'b', 'd']);
});

test('stop aborts a running job and waits for its outcome', async (t) => {
  const { scheduler, recorded } = makeScheduler(t, {
    runJob: (_j, signal) =>
      new Promise((resolve) => {
        signal.addEventListener('abort', () => resolve({ status: 'error:aborted', durationMs: 0 }), { once: true });
      }),
  });
  scheduler.reload([job({ id: 'long' })]);
  const run = scheduler.trigger('long');
  await waitFor(() => scheduler.isRunning('long'));
  await scheduler.stop();
  assert.equal(recorded[0]?.outcome.status, 'error:aborted');
  assert.equal((await run).ran, true);
  assert.deepEqual(scheduler.scheduledIds(), []);
});

test('file round trip: run state is written into cron_jobs.json and invalid entries survive', async (t) => {
  const dir = await mkdtemp(join(tmpdir(), 'ductor-cron-'));
  t.after(() => rm(dir, { recursive: true, force: true }));
  const file = join(dir, 'cron_jobs.json');
  const broken = { id: 'broken', schedule: 42 };
  await writeFile(
    file,
    JSON.stringify({ jobs: [{ id: 'report', title: 'Daily report', schedule: RARELY, custom: 'kept' }, broken] }),
  );
  const { entries, problems } = await readCronJobsFile(file);
  assert.deepEqual(entries.map((e) => e.id), ['report']);
  assert.equal(problems[0]?.id, 'broken');
  assert.match(problems[0]?.reason ?? '', /schedule/);

  const { scheduler } = makeScheduler(t, {
    runJob: async () => ({ status: 'error:exit_1', error: 'exit 1', durationMs: 12 }),
    recordOutcome: async (j, outcome) => {
      await recordCronRun(file, j.id, {
        at: outcome.startedAt.toISOString(),
        status: outcome.status,
        durationMs: outcome.durationMs,
        error: outcome.error ?? null,
      });
    },
  });
  scheduler.reload(entries);
  await scheduler.trigger('report');
  const saved = JSON.parse(await readFile(file, 'utf8'));
  const report = saved.jobs[0];
  assert.equal(report.last_run_status, 'error:exit_1');
  assert.equal(report.last_duration_ms, 12);
  assert.equal(report.last_error, 'exit 1');
  assert.equal(report.run_history.length, 1);
  assert.equal(report.custom, 'kept', 'unknown keys round-trip');
  assert.deepEqual(saved.jobs[1], broken, 'an entry we could not parse is left as it was');
});
