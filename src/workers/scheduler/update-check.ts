/**
 * The hourly update check of the main agent (automation.md §5, npm flavour): asks the registry for
 * the newest `ductor` version, compares dotted versions numerically and tells the user once per
 * new version. The registry query and the message are injected; the last version told is kept in
 * a small state file so a restart does not repeat the message.
 */
import { execFile } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import * as z from 'zod/mini';
import '../../shared/zod-english.js';
import { writeFileAtomic } from '../../shared/store/atomic-write.js';
import { silentLog, type SchedulerLog } from './scheduler-log.js';

export const UPDATE_FIRST_CHECK_MS = 60_000;
export const UPDATE_CHECK_EVERY_MS = 60 * 60_000;
const VIEW_TIMEOUT_MS = 30_000;

const StateSchema = z.object({ notified_version: z._default(z.nullable(z.string()), null) });

/** `npm view ductor version`; resolves with the version string printed. */
export function npmViewLatest(pkg = 'ductor'): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile('npm', ['view', pkg, 'version'], { timeout: VIEW_TIMEOUT_MS, windowsHide: true }, (error, stdout) => {
      if (error) reject(error);
      else resolve(stdout.trim());
    });
  });
}

/** -1, 0 or 1 comparing dotted versions numerically; a pre-release tag sorts before its release. */
export function compareVersions(a: string, b: string): number {
  const parse = (v: string) => {
    const [core = '', pre] = v.trim().replace(/^v/, '').split('-', 2);
    return { parts: core.split('.').map((p) => Number.parseInt(p, 10) || 0), pre: pre ?? null };
  };
  const x = parse(a);
  const y = parse(b);
  for (let i = 0; i < Math.max(x.parts.length, y.parts.length); i += 1) {
    const d = (x.parts[i] ?? 0) - (y.parts[i] ?? 0);
    if (d !== 0) return d < 0 ? -1 : 1;
  }
  if (x.pre === y.pre) return 0;
  if (x.pre === null) return 1;
  if (y.pre === null) return -1;
  return x.pre < y.pre ? -1 : 1;
}

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
      if (!/^\d+(\.\d+)*(-[\w.]+)?$/.test(latest)) {
        this.log.warn({ found: latest.slice(0, 40) }, 'update check: registry answer is not a version');
        return null;
      }
      if (compareVersions(latest, this.options.currentVersion) <= 0) return null;
      const state = await this.readState();
      if (state.notified_version !== null && compareVersions(latest, state.notified_version) <= 0) return null;
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
