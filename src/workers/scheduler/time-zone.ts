/** Time-zone resolution and wall-clock reads shared by cron, quiet hours, heartbeat and cleanup. */
import { isValidTimezone } from '../../shared/config/timezone.js';

/*
 * Building an Intl.DateTimeFormat costs tens of microseconds, and every accepted webhook asks for
 * the zone (quiet hours): building one per call took ~11 % of the scheduler's CPU under webhook
 * load. Formatters are kept per zone name (zone answers in shared/config/timezone.ts).
 */
const partFormatters = new Map<string, Intl.DateTimeFormat>();
let hostZone: string | undefined;

/**
 * Picks the zone to evaluate schedules in (config.md §6): the first valid candidate
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
  // ICU settles the host zone once per process, so asking again would give the same answer.
  hostZone ??= new Intl.DateTimeFormat().resolvedOptions().timeZone;
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
  let formatter = partFormatters.get(timeZone);
  if (formatter === undefined) {
    formatter = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
    });
    partFormatters.set(timeZone, formatter);
  }
  const parts = formatter.formatToParts(now);
  const pick = (type: Intl.DateTimeFormatPartTypes): number =>
    Number(parts.find((p) => p.type === type)?.value ?? NaN);
  return { year: pick('year'), month: pick('month'), day: pick('day'), hour: pick('hour'), minute: pick('minute') };
}

/** The local calendar date of `now` in `timeZone` as `YYYY-MM-DD`. */
export function zonedDate(now: Date, timeZone: string): string {
  const { year, month, day } = zonedParts(now, timeZone);
  return `${String(year).padStart(4, '0')}-${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')}`;
}
