/** When to restart a crashed worker, and when its crashes count as a loop. Pure functions. */

/** First restart delay after a crash (ms). */
export const BASE_BACKOFF_MS = 250;
/** Restart delays never grow beyond this (ms). */
export const MAX_BACKOFF_MS = 30_000;
/** A worker that stayed up this long is considered healthy again: its backoff resets. */
export const STABLE_UPTIME_MS = 60_000;
/** This many crashes inside CRASH_LOOP_WINDOW_MS is a crash loop, reported to the log and the user. */
export const CRASH_LOOP_COUNT = 5;
export const CRASH_LOOP_WINDOW_MS = 120_000;

export type CrashHistory = { crashTimesMs: number[]; consecutive: number };

export function emptyHistory(): CrashHistory {
  return { crashTimesMs: [], consecutive: 0 };
}

/** Records a crash at `nowMs` after `uptimeMs` of running and returns the new history. */
export function recordCrash(history: CrashHistory, nowMs: number, uptimeMs: number): CrashHistory {
  const recent = history.crashTimesMs.filter((t) => nowMs - t < CRASH_LOOP_WINDOW_MS);
  const consecutive = uptimeMs >= STABLE_UPTIME_MS ? 1 : history.consecutive + 1;
  return { crashTimesMs: [...recent, nowMs], consecutive };
}

/** Delay before the next start: BASE × 2^(n-1), capped. */
export function backoffMs(history: CrashHistory): number {
  const exponent = Math.max(0, history.consecutive - 1);
  return Math.min(MAX_BACKOFF_MS, BASE_BACKOFF_MS * 2 ** Math.min(exponent, 20));
}

/** True exactly when this crash made the recent count reach the loop threshold (report once per loop). */
export function isCrashLoop(history: CrashHistory): boolean {
  return history.crashTimesMs.length === CRASH_LOOP_COUNT;
}

/** A sub-agent that crashed this many times in a row is given up (as the original does) and reported. */
export const SUBAGENT_MAX_CRASHES = 5;
/** Sub-agent restart delays as the original: 5, 10, 20, 40, 80 s. */
export const SUBAGENT_BASE_BACKOFF_MS = 5_000;

export function subAgentBackoffMs(history: CrashHistory): number {
  return SUBAGENT_BASE_BACKOFF_MS * 2 ** Math.max(0, Math.min(history.consecutive - 1, 10));
}

export function shouldGiveUp(history: CrashHistory): boolean {
  return history.consecutive >= SUBAGENT_MAX_CRASHES;
}
