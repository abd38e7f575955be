/** Quiet-hour windows: whole hours, evaluated in a zone, wrapping midnight. */
import { zonedParts } from './time-zone.js';

/**
 * True when the local hour of `now` in `timeZone` lies inside [start, end).
 * `start === end` is never quiet; `start > end` wraps midnight (e.g. 22..7 covers 22:00-06:59).
 */
export function isQuiet(now: Date, start: number, end: number, timeZone: string): boolean {
  if (start === end) return false;
  const { hour } = zonedParts(now, timeZone);
  return isQuietHour(hour, start, end);
}

/** The same window test on an already-known local hour. */
export function isQuietHour(hour: number, start: number, end: number): boolean {
  if (start === end) return false;
  if (start < end) return hour >= start && hour < end;
  return hour >= start || hour < end;
}

/** Quiet check for records with optional `quiet_start`/`quiet_end`: both must be set (newer upstream: no fallback). */
export function isQuietFor(
  record: { quiet_start?: number | null; quiet_end?: number | null },
  now: Date,
  timeZone: string,
): boolean {
  if (record.quiet_start == null || record.quiet_end == null) return false;
  return isQuiet(now, record.quiet_start, record.quiet_end, timeZone);
}
