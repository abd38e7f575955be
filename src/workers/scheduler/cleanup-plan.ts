/**
 * Pure planning for the daily retention cleanup. This orders the original's
 * depth: top-level entries only. A top-level file or symlink older than the retention goes; a
 * top-level folder older than the retention goes whole, whatever is inside (its own mtime changes
 * whenever an entry is added or removed directly in it, so a dated folder still being filled stays).
 */
import { zonedDate, zonedParts } from './time-zone.js';

const DAY_MS = 86_400_000;

export interface TreeEntry {
  /** Name of a direct child of the cleaned root (no `/`). */
  path: string;
  kind: 'file' | 'dir' | 'symlink' | 'other';
  /** From lstat: a symlink's own time, never its target's. */
  mtimeMs: number;
}

export interface CleanupPlan {
  /** Top-level files and symlinks (the links themselves) to unlink. */
  files: string[];
  /** Top-level folders to remove with everything inside; the root is never listed. */
  dirs: string[];
}

/**
 * Plans deletions under one root from its direct children: files/symlinks/folders with mtime
 * before `now − retentionDays`. Nested paths (containing `/`) are ignored so a caller that passes
 * a deeper listing cannot widen the scope. `retentionDays` ≤ 0 keeps everything. `other` entries
 * (sockets, fifos) are never touched.
 */
export function planCleanup(entries: readonly TreeEntry[], options: { nowMs: number; retentionDays: number }): CleanupPlan {
  if (!(options.retentionDays > 0)) return { files: [], dirs: [] };
  const cutoff = options.nowMs - options.retentionDays * DAY_MS;
  const files: string[] = [];
  const dirs: string[] = [];
  for (const entry of entries) {
    if (entry.path === '' || entry.path.includes('/') || !(entry.mtimeMs < cutoff)) continue;
    if (entry.kind === 'file' || entry.kind === 'symlink') files.push(entry.path);
    else if (entry.kind === 'dir') dirs.push(entry.path);
  }
  return { files, dirs };
}

/** Once a day: true when the local hour equals `checkHour` and the last run was not today (local date). */
export function isCleanupDue(now: Date, timeZone: string, checkHour: number, lastRunDate: string | null): boolean {
  return zonedParts(now, timeZone).hour === checkHour && lastRunDate !== zonedDate(now, timeZone);
}
