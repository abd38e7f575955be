/**
 * Polls a file's mtime (automation.md: cron_jobs.json / webhooks.json every 5 s) and calls
 * `onChange` when it moves. Writers that change the file themselves call `refreshBaseline()`
 * first so their own write does not trigger a second reload.
 */
import { stat } from 'node:fs/promises';
import { silentLog, type SchedulerLog } from './scheduler-log.js';

export const DEFAULT_POLL_MS = 5_000;

export class MtimeWatcher {
  private baseline: number | null = null;
  private timer: NodeJS.Timeout | null = null;
  private checking: Promise<boolean> | null = null;
  private readonly log: SchedulerLog;

  constructor(
    private readonly file: string,
    private readonly onChange: () => void | Promise<void>,
    private readonly options: { intervalMs?: number; log?: SchedulerLog } = {},
  ) {
    this.log = options.log ?? silentLog;
  }

  /** Takes the current mtime as baseline and starts polling. */
  async start(): Promise<void> {
    await this.refreshBaseline();
    this.timer = setInterval(() => void this.checkNow(), this.options.intervalMs ?? DEFAULT_POLL_MS);
    this.timer.unref();
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
  }

  /** Accepts the file as it is now without calling `onChange`. */
  async refreshBaseline(): Promise<void> {
    this.baseline = await this.readMtime();
  }

  /** Checks once; resolves true if `onChange` ran. Overlapping checks share one run. */
  checkNow(): Promise<boolean> {
    this.checking ??= this.check().finally(() => (this.checking = null));
    return this.checking;
  }

  private async check(): Promise<boolean> {
    let mtime: number;
    try {
      mtime = await this.readMtime();
    } catch (error) {
      // An unreadable file (EACCES, EIO) is reported and retried on the next poll.
      this.log.warn({ file: this.file, code: (error as NodeJS.ErrnoException).code }, 'watched file not readable');
      return false;
    }
    if (mtime === this.baseline) return false;
    this.baseline = mtime;
    try {
      await this.onChange();
    } catch (error) {
      this.log.error({ file: this.file, err: error instanceof Error ? error.message : String(error) }, 'reload after file change failed');
    }
    return true;
  }

  /** mtime in ms, or -1 for a missing file (so creating or deleting it counts as a change). */
  private async readMtime(): Promise<number> {
    try {
      return (await stat(this.file)).mtimeMs;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return -1;
      throw error;
    }
  }
}
