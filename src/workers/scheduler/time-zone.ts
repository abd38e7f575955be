/** Time-zone resolution and wall-clock reads shared by cron, quiet hours, heartbeat and cleanup. */
import { hostLocalZone, isValidTimezone, wallClock } from '../../shared/config/timezone.js';

/*
 * Building an Intl.DateTimeFormat costs tens of microseconds, and every accepted webhook asks for
 * the zone (quiet hours): building one per call took ~11 % of the scheduler's CPU under webhook
 * load. Zone answers and formatters are kept per zone in shared/config/timezone.ts.
 */
let hostZone: string | undefined;

/**
 * Picks the zone to evaluate schedules in: the first valid candidate
 * (job `timezone`, then `user_timezone`), then `$TZ`, then the host zone, then UTC.
 * `onInvalid` is told about each non-empty candidate that was skipped, so callers can warn.
 */
export function resolveTimeZone(
  candidates: ReadonlyArray<string | null | undefined>,
  options: { env?: NodeJS.ProcessEnv; onInvalid?: (zone: string) => void } = {},
): string {
  const env = options.env ?? process.env;
  for (const candidate of [...candidates, env.TZ]) {
    if (candidate == null || candidate.trim() === '') continue;
    if (isValidTimezone(candidate)) return candidate;
    options.onInvalid?.(candidate);
  }
  // ICU settles the host zone once per process, so asking again would give the same answer. The
  // /etc/localtime link answers first: Intl reads ICU's locale data (shared/config/timezone.ts).
  hostZone ??= hostLocalZone() ?? new Intl.DateTimeFormat().resolvedOptions().timeZone;
  return hostZone && isValidTimezone(hostZone) ? hostZone : 'UTC';
}

export interface ZonedParts {
  year: number;
  month: number;
  day: number;
  hour: number;
  minute: number;
}

/** Wall-clock parts of `now` in `timeZone` (24-hour clock). */
export function zonedParts(now: Date, timeZone: string): ZonedParts {
  const { year, month, day, hour, minute } = wallClock(now, timeZone);
  return { year, month, day, hour, minute };
}

/** The local calendar date of `now` in `timeZone` as `YYYY-MM-DD`. */
export function zonedDate(now: Date, timeZone: string): string {
  const { year, month, day } = zonedParts(now, timeZone);
  return `${String(year).padStart(4, '0')}-${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')}`;
}
