/** Time-zone resolution and wall-clock reads shared by cron, quiet hours, heartbeat and cleanup. */

/*
 * Building an Intl.DateTimeFormat costs tens of microseconds, and every accepted webhook asks for
 * the zone (quiet hours): building one per call took ~11 % of the scheduler's CPU under webhook
 * load. Answers and formatters are kept per zone name; there are only a few hundred names.
 */
const validity = new Map<string, boolean>();
const partFormatters = new Map<string, Intl.DateTimeFormat>();
let hostZone: string | undefined;

/** True when `zone` is an IANA name this Node build knows. */
export function isValidTimeZone(zone: string): boolean {
  if (zone.trim() === '') return false;
  const known = validity.get(zone);
  if (known !== undefined) return known;
  let valid: boolean;
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: zone });
    valid = true;
  } catch {
    // Intl throws RangeError for unknown zones; that is the answer, not a failure.
    valid = false;
  }
  validity.set(zone, valid);
  return valid;
}

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
    if (isValidTimeZone(candidate)) return candidate;
    options.onInvalid?.(candidate);
  }
  // ICU settles the host zone once per process, so asking again would give the same answer.
  hostZone ??= new Intl.DateTimeFormat().resolvedOptions().timeZone;
  return hostZone && isValidTimeZone(hostZone) ? hostZone : 'UTC';
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
