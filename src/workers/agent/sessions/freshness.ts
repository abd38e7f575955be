/** When a chat session is stale and replaced by a fresh one (idle, daily boundary, message cap). */
import { wallClock } from '../../../shared/config/timezone.js';

export type FreshnessPolicy = {
  idleTimeoutMinutes: number;
  dailyResetEnabled: boolean;
  dailyResetHour: number;
  maxSessionMessages: number | null;
  timeZone: string;
};

export type StaleReason = 'corrupt-timestamp' | 'max-messages' | 'idle' | 'daily-reset';

/** Returns why the session is stale, or null when it may be resumed. */
export function staleReason(
  lastActiveIso: string,
  activeBucketMessages: number,
  policy: FreshnessPolicy,
  now: Date,
): StaleReason | null {
  const lastActive = Date.parse(lastActiveIso);
  if (!Number.isFinite(lastActive)) return 'corrupt-timestamp';
  if (policy.maxSessionMessages !== null && policy.maxSessionMessages > 0 && activeBucketMessages >= policy.maxSessionMessages) {
    return 'max-messages';
  }
  if (policy.idleTimeoutMinutes > 0 && now.getTime() - lastActive >= policy.idleTimeoutMinutes * 60_000) return 'idle';
  if (policy.dailyResetEnabled && lastActive < lastDailyBoundary(now, policy.dailyResetHour, policy.timeZone).getTime()) {
    return 'daily-reset';
  }
  return null;
}

/** The most recent `hour:00` local time in `timeZone` at or before `now` (today's if passed, else yesterday's). */
export function lastDailyBoundary(now: Date, hour: number, timeZone: string): Date {
  const local = wallClock(now, timeZone);
  let candidate = zonedTime(local.year, local.month, local.day, hour, timeZone);
  if (candidate.getTime() > now.getTime()) {
    const yesterday = new Date(Date.UTC(local.year, local.month - 1, local.day - 1));
    candidate = zonedTime(yesterday.getUTCFullYear(), yesterday.getUTCMonth() + 1, yesterday.getUTCDate(), hour, timeZone);
  }
  return candidate;
}

/** The instant when the wall clock in `timeZone` shows the given date at `hour:00`. */
function zonedTime(year: number, month: number, day: number, hour: number, timeZone: string): Date {
  const guess = Date.UTC(year, month - 1, day, hour);
  // Two corrections settle the zone offset, including days when it changes.
  let instant = guess;
  for (let i = 0; i < 2; i += 1) {
    const p = wallClock(new Date(instant), timeZone);
    const shownAsUtc = Date.UTC(p.year, p.month - 1, p.day, p.hour, p.minute, p.second);
    instant += guess - shownAsUtc;
  }
  return new Date(instant);
}
