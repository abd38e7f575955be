/**
 * Pure planning for the daily retention cleanup (automation.md §4, spec README #5: recursive,
 * then prune empty sub-folders): which files are old enough to go and which folders end up empty.
 */
import { zonedDate, zonedParts } from './time-zone.js';

const DAY_MS = 86_400_000;

export interface TreeEntry {
  /** Path relative to the cleaned root, `/`-separated. */
  path: string;
  kind: 'file' | 'dir' | 'symlink' | 'other';
  /** From lstat: a symlink's own time, never its target's. */
  mtimeMs: number;
}

export interface CleanupPlan {
  /** Files and symlinks (the links themselves) to unlink. */
  files: string[];
  /** Folders to remove afterwards, deepest first; the root is never listed. */
  dirs: string[];
}

/**
 * Plans deletions under one root: files/symlinks with mtime before `now − retentionDays`; a folder
 * goes when everything in it goes and it is itself that old (so a freshly made dated folder stays).
 * `retentionDays` ≤ 0 keeps everything. `other` entries (sockets, fifos) are never touched.
 */
export function planCleanup(entries: readonly TreeEntry[], options: { nowMs: number; retentionDays: number }): CleanupPlan {
  if (!(options.retentionDays > 0)) return { files: [], dirs: [] };
  const cutoff = options.nowMs - options.retentionDays * DAY_MS;
  const deleted = new Set<string>();
  const files: string[] = [];
  for (const entry of entries) {
    if ((entry.kind === 'file' || entry.kind === 'symlink') && entry.mtimeMs < cutoff) {
      files.push(entry.path);
      deleted.add(entry.path);
    }
  }
  const children = new Map<string, string[]>();
  for (const entry of entries) {
    const parent = parentOf(entry.path);
    const list = children.get(parent);
    if (list) list.push(entry.path);
    else children.set(parent, [entry.path]);
  }
  const dirs: string[] = [];
  const byDepth = entries.filter((e) => e.kind === 'dir').sort((a, b) => depth(b.path) - depth(a.path));
  for (const dir of byDepth) {
    const inside = children.get(dir.path) ?? [];
    if (dir.mtimeMs < cutoff && inside.every((p) => deleted.has(p))) {
      dirs.push(dir.path);
      deleted.add(dir.path);
    }
  }
  return { files, dirs };
}

/** Once a day: true when the local hour equals `checkHour` and the last run was not today (local date). */
export function isCleanupDue(now: Date, timeZone: string, checkHour: number, lastRunDate: string | null): boolean {
  return zonedParts(now, timeZone).hour === checkHour && lastRunDate !== zonedDate(now, timeZone);
}

function parentOf(path: string): string {
  const slash = path.lastIndexOf('/');
  return slash < 0 ? '' : path.slice(0, slash);
}

function depth(path: string): number {
  return path.split('/').length;
}
