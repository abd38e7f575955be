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

/**
 * Names of Coordinated Universal Time in the IANA database. Their wall clock is Date's UTC clock.
 *
 * Intl is avoided where Date alone gives the answer (UTC and the host's own zone): the first
 * Intl.DateTimeFormat of a process reads ICU's locale data, ~6.5 MiB of the node binary's pages
 * that then stay resident in that process (an idle scheduler read the quiet-hours clock through
 * it and held 25.8 MiB private, 19.9 without it, bench/multiagent.ts on Node 24). Those pages are
 * shared only with other processes that read them too, which none of ductor's idle workers does.
 */
const UTC_ZONES = new Set(['UTC', 'Etc/UTC', 'Etc/UCT', 'UCT', 'Etc/Universal', 'Universal', 'Etc/Zulu', 'Zulu', 'GMT', 'Etc/GMT']);

/** The host's zone from /etc/localtime, read once: V8 reads it once for its local time too. */
let hostLink: { zone: string | null } | undefined;

/**
 * The zone Date's local time (getHours and kin) follows in this process when it is known without
 * Intl: the host's /etc/localtime zone while `$TZ` is unset; null otherwise (`$TZ` set, Windows,
 * no link), where only Intl can tell.
 */
export function hostLocalZone(): string | null {
  if (process.platform === 'win32') return null;
  if (process.env.TZ !== undefined) return null;
  hostLink ??= { zone: hostTimezone('/etc/localtime') };
  return hostLink.zone;
}

/** True when `zone` is an IANA zone this Node runtime knows. */
export function isValidTimezone(zone: string): boolean {
  if (zone.trim() === '') return false;
  // The host's own zone is the one the system's clock runs in; Date follows it without ICU.
  if (UTC_ZONES.has(zone) || zone === hostLocalZone()) return true;
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
  if (UTC_ZONES.has(timeZone)) {
    return { year: date.getUTCFullYear(), month: date.getUTCMonth() + 1, day: date.getUTCDate(), hour: date.getUTCHours(), minute: date.getUTCMinutes(), second: date.getUTCSeconds() };
  }
  if (timeZone === hostLocalZone()) {
    return { year: date.getFullYear(), month: date.getMonth() + 1, day: date.getDate(), hour: date.getHours(), minute: date.getMinutes(), second: date.getSeconds() };
  }
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
