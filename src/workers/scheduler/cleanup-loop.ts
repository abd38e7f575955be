/**
 * Daily retention cleanup of one agent's workspace: checks every few minutes
 * whether the local hour is `cleanup.check_hour` and today's run is still due, then cleans each
 * folder with its own retention. No chat message.
 */
import { cleanupFolder, cleanupTargets, type CleanupResult } from './cleanup.js';
import { isCleanupDue } from './cleanup-plan.js';
import { silentLog, type SchedulerLog } from './scheduler-log.js';
import { zonedDate } from './time-zone.js';

/** Checked more often than hourly so a late timer never skips the hour. */
export const CLEANUP_CHECK_MS = 10 * 60_000;

export type CleanupSettings = {
  enabled: boolean;
  media_files_days: number;
  output_to_user_days: number;
  api_files_days: number;
  check_hour: number;
};

export type CleanupLoopOptions = {
  workspace: string;
  settings: () => { cleanup: CleanupSettings; timeZone: string };
  now?: () => Date;
  checkEveryMs?: number;
  log?: SchedulerLog;
};

export class CleanupLoop {
  private lastRunDate: string | null = null;
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<CleanupResult[] | null> | null = null;
  private readonly now: () => Date;
  private readonly log: SchedulerLog;

  constructor(private readonly options: CleanupLoopOptions) {
    this.now = options.now ?? (() => new Date());
    this.log = options.log ?? silentLog;
  }

  start(): void {
    this.timer = setInterval(() => void this.check(), this.options.checkEveryMs ?? CLEANUP_CHECK_MS);
    this.timer.unref();
    void this.check();
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
  }

  /** Runs the cleanup if it is due; resolves with what it did, or null when it was not due. */
  check(): Promise<CleanupResult[] | null> {
    this.running ??= this.checkOnce().finally(() => (this.running = null));
    return this.running;
  }

  private async checkOnce(): Promise<CleanupResult[] | null> {
    const { cleanup, timeZone } = this.options.settings();
    const now = this.now();
    if (!cleanup.enabled || !isCleanupDue(now, timeZone, cleanup.check_hour, this.lastRunDate)) return null;
    this.lastRunDate = zonedDate(now, timeZone);
    const results: CleanupResult[] = [];
    for (const target of cleanupTargets(this.options.workspace, cleanup)) {
      try {
        results.push(await cleanupFolder(target.root, { retentionDays: target.retentionDays, now, log: this.log }));
      } catch (error) {
        this.log.warn({ root: target.root, err: error instanceof Error ? error.message : String(error) }, 'cleanup of a folder failed');
      }
    }
    return results;
  }
}
