/**
 * Schedules every enabled cron job with node-cron in its resolved zone and runs the pipeline
 * the scheduler owns: quiet hours → no double start → dependency lock →
 * the injected `runJob` (the agent worker does the real work) → `recordOutcome`.
 *
 * Missed runs while the process was down are not caught up (as upstream): after a (re)start
 * each job waits for its next matching slot. Slots missed inside a live process (event loop
 * blocked) are logged at debug, not run late.
 */
import cron, { type ScheduledTask } from 'node-cron';
import type { CronJob } from '../../shared/automation/cron-jobs-file.js';
import { DependencyLocks } from './dependency-locks.js';
import { isQuietFor } from './quiet-hours.js';
import { silentLog, type SchedulerLog } from './scheduler-log.js';
import { resolveTimeZone } from './time-zone.js';

export interface CronRunOutcome {
  /** `success`, `error:<reason>`, `skipped:<reason>`. */
  status: string;
  error?: string;
  durationMs: number;
}

export interface RecordedOutcome extends CronRunOutcome {
  /** When the run started (after the quiet check, before the lock wait ended). */
  startedAt: Date;
}

export type TriggerResult =
  | { ran: true; outcome: CronRunOutcome }
  | { ran: false; reason: 'unknown_job' | 'disabled' | 'quiet_hours' | 'already_running' | 'stopped' };

export interface CronSchedulerOptions {
  /** Agent name, for task names and log fields (one scheduler per agent in the scheduler worker). */
  agent?: string;
  /** `user_timezone` from config; a job's own `timezone` wins. */
  userTimezone?: string;
  /** Runs one job (asks the agent worker). `signal` aborts when the scheduler stops. */
  runJob: (job: CronJob, signal: AbortSignal) => Promise<CronRunOutcome>;
  /** Stores the outcome in the job's state (e.g. `recordCronRun`). Errors are logged, not thrown. */
  recordOutcome: (job: CronJob, outcome: RecordedOutcome) => Promise<void> | void;
  /** Shared with webhook `cron_task` runs so a `dependency` name means one lock for both. */
  locks?: DependencyLocks;
  /** Clock for quiet-hour checks and timings; tests pin it. */
  now?: () => Date;
  /** Environment for `$TZ` in zone resolution. */
  env?: NodeJS.ProcessEnv;
  log?: SchedulerLog;
}

export interface ReloadReport {
  scheduled: string[];
  rescheduled: string[];
  removed: string[];
  unchanged: string[];
  invalid: Array<{ id: string; reason: string }>;
}

interface Entry {
  job: CronJob;
  /** What decides the node-cron task; a change means destroy and recreate. */
  key: string;
  task: ScheduledTask;
}

/** A 5-field expression (minute hour day-of-month month day-of-week) node-cron accepts. */
export function validateCronExpression(expression: string): string | null {
  const fields = expression.trim().split(/\s+/);
  if (fields.length !== 5) return `expected 5 fields (minute hour day month weekday), found ${fields.length}`;
  const detail = cron.validateDetailed(expression);
  if (detail.valid) return null;
  const first = detail.errors[0];
  return first ? `${first.field}: ${first.message}` : 'not a valid cron expression';
}

export class CronScheduler {
  private readonly entries = new Map<string, Entry>();
  /** Jobs running or waiting for their lock; `done` settles after the outcome was recorded. */
  private readonly running = new Map<string, { controller: AbortController; done: Promise<void> }>();
  private readonly locks: DependencyLocks;
  private readonly log: SchedulerLog;
  private readonly now: () => Date;
  private userTimezone: string;
  private stopped = false;

  constructor(private readonly options: CronSchedulerOptions) {
    this.locks = options.locks ?? new DependencyLocks();
    this.log = options.log ?? silentLog;
    this.now = options.now ?? (() => new Date());
    this.userTimezone = options.userTimezone ?? '';
  }

  /** Changes `user_timezone` (hot-reloadable); jobs without their own zone are rescheduled on the next `reload`. */
  setUserTimezone(zone: string): void {
    this.userTimezone = zone;
  }

  /**
   * Brings the schedule in line with `jobs`: new jobs scheduled, changed schedules/zones
   * recreated, removed or disabled jobs unscheduled. A running job is never aborted by a
   * reload; it finishes and records its outcome. Invalid expressions are reported and skipped.
   */
  reload(jobs: readonly CronJob[]): ReloadReport {
    const report: ReloadReport = { scheduled: [], rescheduled: [], removed: [], unchanged: [], invalid: [] };
    if (this.stopped) return report;
    const wanted = new Map<string, CronJob>();
    for (const job of jobs) if (job.enabled) wanted.set(job.id, job);

    for (const [id, entry] of this.entries) {
      if (!wanted.has(id)) {
        this.unschedule(id, entry);
        report.removed.push(id);
      }
    }
    for (const [id, job] of wanted) {
      const problem = validateCronExpression(job.schedule);
      const existing = this.entries.get(id);
      if (problem) {
        if (existing) this.unschedule(id, existing);
        report.invalid.push({ id, reason: problem });
        this.log.warn({ job: id, schedule: job.schedule, reason: problem }, 'cron job skipped: invalid expression');
        continue;
      }
      const zone = this.zoneFor(job);
      const key = `${job.schedule.trim()}|${zone}`;
      if (existing && existing.key === key) {
        existing.job = job; // overrides, routing and quiet hours apply from the next run on
        report.unchanged.push(id);
        continue;
      }
      if (existing) this.unschedule(id, existing);
      let task: ScheduledTask;
      try {
        task = this.createTask(job, zone);
      } catch (error) {
        // node-cron's parser is stricter in corners its validator misses; still one job, not the scheduler.
        report.invalid.push({ id, reason: describe(error) });
        this.log.warn({ job: id, schedule: job.schedule, reason: describe(error) }, 'cron job skipped: not schedulable');
        continue;
      }
      this.entries.set(id, { job, key, task });
      (existing ? report.rescheduled : report.scheduled).push(id);
      this.log.debug({ job: id, schedule: job.schedule, zone }, existing ? 'cron job rescheduled' : 'cron job scheduled');
    }
    return report;
  }

  /** Runs a scheduled job now through the same pipeline (node-cron's `execute`), e.g. for "run now" and tests. */
  async trigger(jobId: string): Promise<TriggerResult> {
    const entry = this.entries.get(jobId);
    if (!entry) return { ran: false, reason: 'unknown_job' };
    return (await entry.task.execute()) as TriggerResult;
  }

  /** True while `jobId` is running or waiting for its dependency lock. */
  isRunning(jobId: string): boolean {
    return this.running.has(jobId);
  }

  /** Ids of scheduled jobs. */
  scheduledIds(): string[] {
    return [...this.entries.keys()];
  }

  /** The next time node-cron will fire `jobId`, or null if it is not scheduled. */
  nextRun(jobId: string): Date | null {
    return this.entries.get(jobId)?.task.getNextRun() ?? null;
  }

  /** Unschedules everything and aborts running jobs; resolves once they have recorded their outcome. */
  async stop(): Promise<void> {
    this.stopped = true;
    for (const [id, entry] of this.entries) this.unschedule(id, entry);
    const pending = [...this.running.values()];
    for (const run of pending) run.controller.abort(new Error('scheduler stopped'));
    await Promise.all(pending.map((run) => run.done));
  }

  private zoneFor(job: CronJob): string {
    return resolveTimeZone([job.timezone, this.userTimezone], {
      env: this.options.env,
      onInvalid: (zone) => this.log.warn({ job: job.id, zone }, 'invalid time zone ignored'),
    });
  }

  private createTask(job: CronJob, zone: string): ScheduledTask {
    const id = job.id;
    const task = cron.createTask(job.schedule, () => this.runPipeline(id), {
      name: `cron:${this.options.agent ?? 'main'}:${id}`,
      timezone: zone,
      logger: {
        info: (message) => this.log.debug({ job: id }, message),
        warn: (message) => this.log.warn({ job: id }, message),
        error: (message) => this.log.error({ job: id, err: String(message) }, 'node-cron error'),
        debug: (message) => this.log.debug({ job: id }, String(message)),
      },
    });
    task.on('execution:missed', (context) => {
      this.log.debug({ job: id, slot: context.date.toISOString() }, 'cron slot missed; not caught up');
    });
    void task.start();
    return task;
  }

  private unschedule(id: string, entry: Entry): void {
    void entry.task.destroy();
    this.entries.delete(id);
  }

  private async runPipeline(jobId: string): Promise<TriggerResult> {
    if (this.stopped) return { ran: false, reason: 'stopped' };
    const entry = this.entries.get(jobId);
    if (!entry) return { ran: false, reason: 'unknown_job' };
    const job = entry.job;
    if (!job.enabled) return { ran: false, reason: 'disabled' };
    // Quiet check first (spec README #7): a skipped run must not queue behind a lock. Silent: no state change.
    if (isQuietFor(job, this.now(), this.zoneFor(job))) {
      this.log.debug({ job: jobId }, 'cron job skipped: quiet hours');
      return { ran: false, reason: 'quiet_hours' };
    }
    if (this.running.has(jobId)) {
      this.log.warn({ job: jobId }, 'cron job still running; this slot is skipped');
      return { ran: false, reason: 'already_running' };
    }
    const controller = new AbortController();
    let markDone: () => void = () => undefined;
    const done = new Promise<void>((resolve) => (markDone = resolve));
    this.running.set(jobId, { controller, done });
    const startedAt = this.now();
    let outcome: CronRunOutcome;
    try {
      outcome = await this.locks.run(job.dependency, () => this.runJobSafely(job, controller.signal, startedAt), controller.signal);
    } catch (error) {
      // Only the lock wait can throw here: the scheduler stopped while this job was queued.
      outcome = { status: 'error:aborted', error: describe(error), durationMs: this.now().getTime() - startedAt.getTime() };
    }
    try {
      await this.options.recordOutcome(job, { ...outcome, startedAt });
    } catch (error) {
      this.log.error({ job: jobId, err: describe(error) }, 'cron outcome not recorded');
    } finally {
      this.running.delete(jobId);
      markDone();
    }
    this.log.info({ job: jobId, status: outcome.status, durationMs: outcome.durationMs }, 'cron job finished');
    return { ran: true, outcome };
  }

  private async runJobSafely(job: CronJob, signal: AbortSignal, startedAt: Date): Promise<CronRunOutcome> {
    try {
      return await this.options.runJob(job, signal);
    } catch (error) {
      this.log.error({ job: job.id, err: describe(error) }, 'cron job run failed');
      return { status: 'error:exception', error: describe(error), durationMs: this.now().getTime() - startedAt.getTime() };
    }
  }
}

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
