/**
 * Retention cleanup executor: lists a folder's direct children without following symlinks, applies
 * the plan from `cleanup-plan.ts`, and reports per-entry errors instead of stopping. Nothing outside
 * the root is ever touched: a symlink is unlinked, never followed, and every path is re-checked
 * before removal.
 */
import { lstat, readdir, rm, unlink } from 'node:fs/promises';
import { isAbsolute, join, relative, sep } from 'node:path';
import { planCleanup, type CleanupPlan, type TreeEntry } from './cleanup-plan.js';
import { silentLog, type SchedulerLog } from './scheduler-log.js';

export interface CleanupResult {
  root: string;
  deletedFiles: number;
  removedDirs: number;
  errors: Array<{ path: string; code: string }>;
}

/** The folders the daily cleanup covers, with their retention. */
export function cleanupTargets(
  workspace: string,
  settings: { media_files_days: number; output_to_user_days: number; api_files_days: number },
): Array<{ root: string; retentionDays: number }> {
  return [
    { root: join(workspace, 'telegram_files'), retentionDays: settings.media_files_days },
    { root: join(workspace, 'matrix_files'), retentionDays: settings.media_files_days },
    { root: join(workspace, 'output_to_user'), retentionDays: settings.output_to_user_days },
    { root: join(workspace, 'api_files'), retentionDays: settings.api_files_days },
  ];
}

/** Lists the direct children of `root` with lstat times; a missing root is empty. */
export async function scanTree(root: string): Promise<TreeEntry[]> {
  let names;
  try {
    names = await readdir(root, { withFileTypes: true });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw error;
  }
  const entries: TreeEntry[] = [];
  for (const dirent of names) {
    let info;
    try {
      info = await lstat(join(root, dirent.name));
    } catch (error) {
      // Removed between readdir and lstat: nothing to plan for it.
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') continue;
      throw error;
    }
    const kind: TreeEntry['kind'] = info.isSymbolicLink()
      ? 'symlink'
      : info.isDirectory()
        ? 'dir'
        : info.isFile()
          ? 'file'
          : 'other';
    entries.push({ path: dirent.name, kind, mtimeMs: info.mtimeMs });
  }
  return entries;
}

/** Carries out `plan` under `root`. Per-path failures are logged and counted, never thrown. */
export async function executeCleanup(root: string, plan: CleanupPlan, log: SchedulerLog = silentLog): Promise<CleanupResult> {
  const result: CleanupResult = { root, deletedFiles: 0, removedDirs: 0, errors: [] };
  const attempt = async (rel: string, action: (abs: string) => Promise<void>): Promise<boolean> => {
    const abs = join(root, rel);
    const back = relative(root, abs);
    if (back === '' || back.startsWith(`..${sep}`) || back === '..' || isAbsolute(back)) {
      result.errors.push({ path: rel, code: 'outside_root' });
      return false;
    }
    try {
      await action(abs);
      return true;
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code ?? 'unknown';
      // Gone already: fine to leave.
      if (code !== 'ENOENT') {
        log.warn({ root, path: rel, code }, 'cleanup could not remove an entry');
        result.errors.push({ path: rel, code });
      }
      return false;
    }
  };
  for (const rel of plan.files) {
    // unlink removes a symlink itself, never its target; a path that turned into a folder fails (EISDIR/EPERM).
    if (await attempt(rel, (abs) => unlink(abs))) result.deletedFiles += 1;
  }
  for (const rel of plan.dirs) {
    const removed = await attempt(rel, async (abs) => {
      // Re-checked right before removal: a folder swapped for a symlink since the scan is only unlinked.
      const info = await lstat(abs);
      if (info.isSymbolicLink()) await unlink(abs);
      else await rm(abs, { recursive: true });
    });
    if (removed) result.removedDirs += 1;
  }
  if (result.deletedFiles + result.removedDirs > 0) {
    log.info({ root, files: result.deletedFiles, dirs: result.removedDirs }, 'cleanup removed old files');
  }
  return result;
}

/** Scan, plan and execute for one folder. */
export async function cleanupFolder(
  root: string,
  options: { retentionDays: number; now?: Date; log?: SchedulerLog },
): Promise<CleanupResult> {
  const entries = await scanTree(root);
  const plan = planCleanup(entries, { nowMs: (options.now ?? new Date()).getTime(), retentionDays: options.retentionDays });
  return executeCleanup(root, plan, options.log);
}
