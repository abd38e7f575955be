/**
 * Everything the scheduler keeps for one agent: its cron schedule (hot-reloaded from
 * `cron_jobs.json`), its webhook list (hot-reloaded from `webhooks.json`) and the glue that sends
 * runs to the agent worker over the bus and writes their outcome back into the registry.
 */
import type { Config } from '../../shared/config/schema.js';
import { agentPaths, type AgentPaths } from '../../shared/paths.js';
import type { CronRunParams, CronRunResult } from '../../shared/rpc/automation-schemas.js';
import type { ChatRef } from '../../shared/rpc/conversation-schemas.js';
import {
  readCronJobsFile,
  readWebhooksFile,
  recordCronRun,
  recordHookTrigger,
  type CronJob,
  type Webhook,
} from '../../shared/automation/cron-jobs-file.js';
import { CronScheduler, type CronRunOutcome } from './cron-scheduler.js';
import type { DependencyLocks } from './dependency-locks.js';
import { MtimeWatcher } from './file-watch.js';
import type { SchedulerLog } from './scheduler-log.js';
import { resolveTimeZone } from './time-zone.js';
import { createHookDispatcher, type HookDispatch } from './webhook-dispatch.js';

/** Extra time the bus gives a run beyond the CLI's own timeout (delivery, folder checks). */
const RUN_GRACE_MS = 120_000;

/** How the host reaches the agent worker; the worker's `peer.request` in production. */
export type AgentCalls = {
  runCron: (params: CronRunParams, timeoutMs: number) => Promise<CronRunResult>;
  wakeHook: (hookId: string, prompt: string, timeoutMs: number) => Promise<{ status: string }>;
};

export type AgentHostOptions = {
  agent: string;
  home: string;
  config: () => Config;
  calls: AgentCalls;
  /** Shared by every agent's cron jobs and hooks: a `dependency` name is one lock. */
  locks: DependencyLocks;
  log: SchedulerLog;
  /** mtime poll interval of the registries (default 5 s, automation.md). */
  pollMs?: number;
};

export class AgentHost {
  readonly paths: AgentPaths;
  readonly cron: CronScheduler;
  readonly dispatch: HookDispatch;
  private hooks = new Map<string, Webhook>();
  private readonly jobsWatcher: MtimeWatcher;
  private readonly hooksWatcher: MtimeWatcher;
  /** Delivery facts of the last run per job, carried from `runJob` to `recordOutcome`. */
  private readonly deliveries = new Map<string, CronRunResult>();

  constructor(private readonly options: AgentHostOptions) {
    this.paths = agentPaths(options.home);
    const log = options.log;
    this.cron = new CronScheduler({
      agent: options.agent,
      userTimezone: options.config().user_timezone,
      locks: options.locks,
      log,
      runJob: (job) => this.runJob(job),
      recordOutcome: async (job, outcome) => {
        const result = this.deliveries.get(job.id);
        this.deliveries.delete(job.id);
        const found = await recordCronRun(this.paths.cronJobsFile, job.id, {
          at: outcome.startedAt.toISOString(),
          status: outcome.status,
          durationMs: outcome.durationMs,
          error: outcome.error ?? null,
          ...(result ? { delivery: { status: result.delivery, error: result.deliveryError, resultText: result.resultText } } : {}),
        });
        if (!found) log.warn({ job: job.id }, 'cron outcome not recorded: job no longer in cron_jobs.json');
      },
    });
    this.dispatch = createHookDispatcher({
      locks: options.locks,
      timeZone: () => this.timeZone(),
      log,
      runWake: async (hook, prompt) => (await options.calls.wakeHook(hook.id, prompt, this.runTimeoutMs())).status,
      runCronTask: async (hook, prompt) => {
        const result = await options.calls.runCron(
          {
            origin: { kind: 'webhook', id: hook.id },
            title: hook.title || hook.id,
            taskFolder: hook.task_folder ?? '',
            instruction: prompt,
            overrides: overridesOf(hook),
            chat: null,
            silentOnSuccess: false,
          },
          this.runTimeoutMs(),
        );
        return result.status;
      },
    });
    this.jobsWatcher = new MtimeWatcher(this.paths.cronJobsFile, async () => void (await this.reloadJobs()), { intervalMs: options.pollMs, log });
    this.hooksWatcher = new MtimeWatcher(this.paths.webhooksFile, async () => void (await this.reloadHooks()), { intervalMs: options.pollMs, log });
  }

  get agent(): string {
    return this.options.agent;
  }

  async start(): Promise<void> {
    await this.jobsWatcher.start();
    await this.hooksWatcher.start();
    await this.reloadJobs();
    await this.reloadHooks();
  }

  async stop(): Promise<void> {
    this.jobsWatcher.stop();
    this.hooksWatcher.stop();
    await this.cron.stop();
  }

  /** Re-reads both registries if their mtime moved (tool scripts, `/cron`); cheap when nothing changed. */
  async checkNow(): Promise<void> {
    await this.jobsWatcher.checkNow();
    await this.hooksWatcher.checkNow();
  }

  /** `user_timezone` or other hot config changed: jobs without their own zone are rescheduled. */
  async onConfigChanged(): Promise<void> {
    this.cron.setUserTimezone(this.options.config().user_timezone);
    await this.reloadJobs();
  }

  hook(id: string): Webhook | undefined {
    return this.hooks.get(id);
  }

  hookIds(): string[] {
    return [...this.hooks.keys()];
  }

  async recordHook(hook: Webhook, at: Date, status: string): Promise<void> {
    const found = await recordHookTrigger(this.paths.webhooksFile, hook.id, at.toISOString(), status);
    if (!found) this.options.log.warn({ hook: hook.id }, 'webhook trigger not recorded: hook no longer in webhooks.json');
  }

  timeZone(): string {
    return resolveTimeZone([this.options.config().user_timezone]);
  }

  async reloadJobs(): Promise<number> {
    const { entries, problems } = await readCronJobsFile(this.paths.cronJobsFile);
    for (const problem of problems) this.options.log.warn({ index: problem.index, job: problem.id, reason: problem.reason }, 'cron_jobs.json entry skipped');
    const report = this.cron.reload(entries);
    this.options.log.info(
      { scheduled: report.scheduled.length, rescheduled: report.rescheduled.length, removed: report.removed.length, invalid: report.invalid.length },
      'cron jobs loaded',
    );
    return entries.length;
  }

  async reloadHooks(): Promise<number> {
    const { entries, problems } = await readWebhooksFile(this.paths.webhooksFile);
    // Only index and id: entries carry secrets.
    for (const problem of problems) this.options.log.warn({ index: problem.index, hook: problem.id, reason: problem.reason }, 'webhooks.json entry skipped');
    this.hooks = new Map(entries.map((hook) => [hook.id, hook]));
    this.options.log.info({ hooks: entries.length }, 'webhooks loaded');
    return entries.length;
  }

  private runTimeoutMs(): number {
    return this.options.config().cli_timeout * 1000 + RUN_GRACE_MS;
  }

  private async runJob(job: CronJob): Promise<CronRunOutcome> {
    const result = await this.options.calls.runCron(
      {
        origin: { kind: 'cron', id: job.id },
        title: job.title || job.id,
        taskFolder: job.task_folder || job.id,
        instruction: job.agent_instruction,
        overrides: overridesOf(job),
        chat: chatOf(job),
        silentOnSuccess: job.silent_on_success,
      },
      this.runTimeoutMs(),
    );
    this.deliveries.set(job.id, result);
    return { status: result.status, ...(result.error ? { error: result.error } : {}), durationMs: result.durationMs };
  }
}

function overridesOf(task: CronJob | Webhook): CronRunParams['overrides'] {
  return {
    provider: task.provider ?? null,
    model: task.model ?? null,
    reasoningEffort: task.reasoning_effort ?? null,
    cliParameters: task.cli_parameters,
  };
}

/** `chat_id` 0 means "every allowed user". */
function chatOf(job: CronJob): ChatRef | null {
  if (job.chat_id === 0) return null;
  const transport = job.transport === 'mx' || job.transport === 'api' || job.transport === 'cli' ? job.transport : 'tg';
  return { transport, chatId: job.chat_id, topicId: job.topic_id ?? null };
}
