/**
 * The hourly update check of the main agent: asks the configured update source for the newest
 * version, compares it with the running one by semver and tells the user once per
 * new version. The registry query and the message are injected; the last version told is kept in
 * a small state file so a restart does not repeat the message.
 */
import { readFile } from 'node:fs/promises';
import * as z from 'zod/mini';
import '../../shared/zod-english.js';
import { writeFileAtomic } from '../../shared/store/atomic-write.js';
import { isNewer, parseSemver } from '../../shared/upgrade/semver.js';
import { silentLog, type SchedulerLog } from './scheduler-log.js';

export const UPDATE_FIRST_CHECK_MS = 60_000;
export const UPDATE_CHECK_EVERY_MS = 60 * 60_000;

const StateSchema = z.object({ notified_version: z._default(z.nullable(z.string()), null) });

export type UpdateCheckOptions = {
  currentVersion: string;
  stateFile: string;
  latest: () => Promise<string>;
  /** Tells the user; the caller words it (language, buttons). */
  notify: (update: { latest: string; current: string }) => Promise<void>;
  /** Read on every check: `update_check: false` turns it off without a restart. */
  enabled: () => boolean;
  log?: SchedulerLog;
};

export class UpdateChecker {
  private timer: NodeJS.Timeout | null = null;
  private readonly log: SchedulerLog;

  constructor(private readonly options: UpdateCheckOptions) {
    this.log = options.log ?? silentLog;
  }

  start(firstAfterMs = UPDATE_FIRST_CHECK_MS, everyMs = UPDATE_CHECK_EVERY_MS): void {
    const first = setTimeout(() => {
      void this.check();
      this.timer = setInterval(() => void this.check(), everyMs);
      this.timer.unref();
    }, firstAfterMs);
    first.unref();
    this.timer = first;
  }

  stop(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
  }

  /** One check; resolves with the version the user was told about, or null. Never rejects. */
  async check(): Promise<string | null> {
    if (!this.options.enabled()) return null;
    try {
      const latest = (await this.options.latest()).trim();
      if (parseSemver(latest) === null) {
        this.log.warn({ found: latest.slice(0, 40) }, 'update check: registry answer is not a version');
        return null;
      }
      if (!isNewer(latest, this.options.currentVersion)) return null;
      const state = await this.readState();
      if (state.notified_version !== null && !isNewer(latest, state.notified_version)) return null;
      await this.options.notify({ latest, current: this.options.currentVersion });
      await writeFileAtomic(this.options.stateFile, `${JSON.stringify({ notified_version: latest }, null, 2)}\n`);
      this.log.info({ latest, current: this.options.currentVersion }, 'update available; user told');
      return latest;
    } catch (error) {
      this.log.warn({ err: error instanceof Error ? error.message : String(error) }, 'update check failed');
      return null;
    }
  }

  private async readState(): Promise<z.infer<typeof StateSchema>> {
    try {
      const parsed = StateSchema.safeParse(JSON.parse(await readFile(this.options.stateFile, 'utf8')));
      return parsed.success ? parsed.data : { notified_version: null };
    } catch {
      return { notified_version: null }; // no state yet (or unreadable): nothing was told
    }
  }
}
