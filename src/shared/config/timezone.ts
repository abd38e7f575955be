/** Resolves the IANA time zone used for cron, quiet hours, cleanup and daily reset. */
import { readlinkSync } from 'node:fs';

const ZONEINFO_MARKER = '/zoneinfo/';

export type TimezoneOptions = {
  /** Environment to read `TZ` from (default `process.env`). */
  env?: NodeJS.ProcessEnv;
  /** The host's zone link (default `/etc/localtime`); tests point it elsewhere. */
  localtimePath?: string;
  /** Told when a configured zone is invalid and skipped. */
  onWarning?: (message: string) => void;
};

/**
 * Answers kept per zone name (a few hundred exist): building an Intl.DateTimeFormat costs tens
 * of microseconds, and the zone is asked for on every turn and every accepted webhook.
 */
const validity = new Map<string, boolean>();

/** True when `zone` is an IANA zone this Node runtime knows. */
export function isValidTimezone(zone: string): boolean {
  if (zone.trim() === '') return false;
  const known = validity.get(zone);
  if (known !== undefined) return known;
  let valid: boolean;
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: zone });
    valid = true;
  } catch {
    valid = false; // RangeError: unknown zone; the caller falls through to the next source
  }
  validity.set(zone, valid);
  return valid;
}

/**
 * The first valid zone of: `user_timezone`, `$TZ`, the host zone (target of `/etc/localtime`
 * after `/zoneinfo/`), else `UTC`. An invalid `user_timezone` is reported through `onWarning`.
 */
export function resolveTimezone(config: { user_timezone: string }, options: TimezoneOptions = {}): string {
  const configured = config.user_timezone.trim();
  if (configured !== '') {
    if (isValidTimezone(configured)) return configured;
    options.onWarning?.(`user_timezone ${JSON.stringify(configured)} is not a known IANA time zone; ignoring it`);
  }
  const fromEnv = (options.env ?? process.env).TZ?.trim();
  if (fromEnv && isValidTimezone(fromEnv)) return fromEnv;
  const host = hostTimezone(options.localtimePath ?? '/etc/localtime');
  if (host && isValidTimezone(host)) return host;
  return 'UTC';
}

function hostTimezone(localtimePath: string): string | null {
  if (process.platform === 'win32') return Intl.DateTimeFormat().resolvedOptions().timeZone ?? null;
  try {
    const target = readlinkSync(localtimePath);
    const at = target.indexOf(ZONEINFO_MARKER);
    return at === -1 ? null : target.slice(at + ZONEINFO_MARKER.length);
  } catch {
    return null; // not a symlink or missing: no host zone to offer
  }
}

export type WallClock = { year: number; month: number; day: number; hour: number; minute: number; second: number };

/** One formatter per zone: reading the wall clock is frequent (turns, webhooks), building one slow. */
const wallClockFormatters = new Map<string, Intl.DateTimeFormat>();

/** What a 24-hour wall clock in `timeZone` shows at `date`. */
export function wallClock(date: Date, timeZone: string): WallClock {
  let formatter = wallClockFormatters.get(timeZone);
  if (formatter === undefined) {
    formatter = new Intl.DateTimeFormat('en-US', {
      timeZone, hourCycle: 'h23', year: 'numeric', month: 'numeric', day: 'numeric', hour: 'numeric', minute: 'numeric', second: 'numeric',
    });
    wallClockFormatters.set(timeZone, formatter);
  }
  const parts = formatter.formatToParts(date);
  const pick = (type: Intl.DateTimeFormatPartTypes): number => Number(parts.find((p) => p.type === type)?.value ?? NaN);
  return { year: pick('year'), month: pick('month'), day: pick('day'), hour: pick('hour'), minute: pick('minute'), second: pick('second') };
}
