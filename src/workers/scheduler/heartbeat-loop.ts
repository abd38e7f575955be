/**
 * The heartbeat loop of one agent: checks every minute which targets are due
 * (each has its own interval), skips quiet hours, and asks the agent worker for one poll per due
 * target. One failing target or tick never stops the loop.
 */
import type { HeartbeatTickResult } from '../../shared/rpc/automation-schemas.js';
import { planHeartbeatTick, resolveHeartbeatTargets, wasSuspended, type HeartbeatSettings, type HeartbeatTarget } from './heartbeat-plan.js';
import { silentLog, type SchedulerLog } from './scheduler-log.js';

/** How often due targets are looked for (ms); intervals are whole minutes. */
export const HEARTBEAT_CHECK_MS = 60_000;

export type HeartbeatLoopOptions = {
  /** Read on every check, so hot config changes apply at once (including `enabled`). */
  settings: () => { heartbeat: HeartbeatSettings; allowedUserIds: readonly number[]; timeZone: string };
  tick: (target: HeartbeatTarget, cooldownMinutes: number) => Promise<HeartbeatTickResult>;
  now?: () => Date;
  checkEveryMs?: number;
  log?: SchedulerLog;
};

export class HeartbeatLoop {
  private readonly lastTickAt = new Map<string, Date>();
  private readonly now: () => Date;
  private readonly log: SchedulerLog;
  private startedAt: Date;
  private lastCheckAt: Date;
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<void> | null = null;

  constructor(private readonly options: HeartbeatLoopOptions) {
    this.now = options.now ?? (() => new Date());
    this.log = options.log ?? silentLog;
    this.startedAt = this.now();
    this.lastCheckAt = this.startedAt;
  }

  start(): void {
    this.startedAt = this.now();
    this.lastCheckAt = this.startedAt;
    this.timer = setInterval(() => void this.check(), this.options.checkEveryMs ?? HEARTBEAT_CHECK_MS);
    this.timer.unref();
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
  }

  /** One check; overlapping calls share the running one. Resolves with nothing, never rejects. */
  check(): Promise<void> {
    this.running ??= this.checkOnce().finally(() => (this.running = null));
    return this.running;
  }

  private async checkOnce(): Promise<void> {
    try {
      const { heartbeat, allowedUserIds, timeZone } = this.options.settings();
      const now = this.now();
      if (wasSuspended(this.lastCheckAt, now, Math.max(1, HEARTBEAT_CHECK_MS / 60_000))) {
        this.log.info({ gapMs: now.getTime() - this.lastCheckAt.getTime() }, 'heartbeat: system was suspended');
      }
      this.lastCheckAt = now;
      if (!heartbeat.enabled) return;
      const targets = resolveHeartbeatTargets(heartbeat, allowedUserIds);
      const plan = planHeartbeatTick(targets, this.lastTickAt, now, timeZone, this.startedAt);
      for (const target of plan.quiet) this.lastTickAt.set(target.key, now);
      for (const target of plan.due) {
        this.lastTickAt.set(target.key, now);
        try {
          const result = await this.options.tick(target, heartbeat.cooldown_minutes);
          this.log.debug({ target: target.key, outcome: result.outcome, reason: result.reason }, 'heartbeat tick');
        } catch (error) {
          this.log.warn({ target: target.key, err: error instanceof Error ? error.message : String(error) }, 'heartbeat tick failed');
        }
      }
    } catch (error) {
      this.log.error({ err: error instanceof Error ? error.message : String(error) }, 'heartbeat check failed');
    }
  }
}
