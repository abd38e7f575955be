/**
 * Keeps CLAUDE.md, AGENTS.md and GEMINI.md of one folder identical:
 * when a CLI edits its own rule file, the newest file of a folder is copied over its older
 * siblings, so the other CLIs see the same rules. Cron task folders also get the rule files of
 * the providers the other cron tasks use.
 */
import { readdir, readFile, stat, utimes } from 'node:fs/promises';
import { join, posix } from 'node:path';
import { RULE_FILE_NAMES } from '../../../shared/home/rule-files.js';
import { writeFileAtomic } from '../../../shared/store/atomic-write.js';

/** How often the rule files are compared (ms). */
export const RULE_SYNC_INTERVAL_MS = 10_000;
/**
 * Two files whose mtimes are this close count as equally new: a copy's mtime is set from its
 * source in whole milliseconds, so a sub-millisecond difference remains and must not trigger
 * another copy (the two files would take turns being "newest").
 */
const MTIME_SLACK_MS = 2;
/** Folders never walked: tooling, media intake (thousands of files, no rules), other agents' homes. */
const SKIPPED_DIRS = new Set(['node_modules', '.git', 'telegram_files', 'api_files', 'matrix_files', '__pycache__']);
/** Sub-agent homes live under the main home; each agent worker syncs only its own. */
const SKIPPED_AT_HOME_ROOT = new Set(['agents']);
const CRON_TASKS_DIR = 'workspace/cron_tasks';

export type RuleFileState = { name: string; mtimeMs: number };
/** One folder's rule files; `dir` is home-relative with POSIX separators ('' for the home). */
export type RuleDirState = { dir: string; files: RuleFileState[] };
/** Copy `from` over (or into the missing) `to`, both home-relative; the copy gets `mtimeMs`. */
export type RuleCopy = { from: string; to: string; mtimeMs: number; toMtimeMs: number | null };
export type RuleSyncReport = { updated: string[]; created: string[] };

/** Every folder below `home` that holds at least one rule file, in walk order. */
export async function scanRuleDirs(home: string): Promise<RuleDirState[]> {
  const out: RuleDirState[] = [];
  const walk = async (rel: string): Promise<void> => {
    let entries;
    try {
      entries = await readdir(rel ? join(home, ...rel.split('/')) : home, { withFileTypes: true });
    } catch {
      return; // the folder went away while walking: nothing to sync there
    }
    const files: RuleFileState[] = [];
    const subdirs: string[] = [];
    for (const entry of entries) {
      if (entry.isFile() && RULE_FILE_NAMES.includes(entry.name)) {
        const info = await stat(join(home, ...rel.split('/').filter(Boolean), entry.name)).catch(() => null);
        if (info) files.push({ name: entry.name, mtimeMs: info.mtimeMs });
      } else if (entry.isDirectory() && !skipDir(rel, entry.name)) {
        // Symbolic links are neither files nor directories here: links in workspace/skills point
        // outside the home and are never followed.
        subdirs.push(rel ? `${rel}/${entry.name}` : entry.name);
      }
    }
    if (files.length > 0 || isCronTaskDir(rel)) out.push({ dir: rel, files: files.sort(byName) });
    for (const sub of subdirs.sort()) await walk(sub);
  };
  await walk('');
  return out;
}

/**
 * The copies that make each folder consistent: older siblings get the newest file's content; a
 * cron task folder (`workspace/cron_tasks/<job>/`) also gets the rule files missing from it that
 * any folder under `workspace/cron_tasks` has. Pure.
 */
export function planRuleSync(dirs: readonly RuleDirState[]): RuleCopy[] {
  const cronNames = new Set<string>();
  for (const { dir, files } of dirs) {
    if (dir === CRON_TASKS_DIR || isCronTaskDir(dir)) for (const file of files) cronNames.add(file.name);
  }
  // The spec's fallback (CLAUDE.md when no cron folder has a rule file) leaves a job folder with
  // nothing to copy from, so that case needs no code here.

  const plan: RuleCopy[] = [];
  for (const { dir, files } of dirs) {
    const newest = files.reduce<RuleFileState | null>((best, f) => (best === null || f.mtimeMs > best.mtimeMs ? f : best), null);
    if (newest === null) continue;
    const from = posix.join(dir, newest.name);
    for (const file of files) {
      if (newest.mtimeMs - file.mtimeMs > MTIME_SLACK_MS) plan.push({ from, to: posix.join(dir, file.name), mtimeMs: newest.mtimeMs, toMtimeMs: file.mtimeMs });
    }
    if (!isCronTaskDir(dir)) continue;
    for (const name of RULE_FILE_NAMES) {
      if (cronNames.has(name) && !files.some((f) => f.name === name)) plan.push({ from, to: posix.join(dir, name), mtimeMs: newest.mtimeMs, toMtimeMs: null });
    }
  }
  return plan;
}

/**
 * Carries out `plan` under `home`. Each copy is an atomic write whose mtime is set to the
 * source's, so the folder ends up with equal mtimes and the next scan finds nothing to do. A
 * target that changed since the scan is left alone: that edit is newer and wins next round.
 */
export async function applyRuleSync(home: string, plan: readonly RuleCopy[]): Promise<RuleSyncReport> {
  const report: RuleSyncReport = { updated: [], created: [] };
  const abs = (rel: string) => join(home, ...rel.split('/'));
  for (const copy of plan) {
    const source = await readFile(abs(copy.from)).catch(() => null);
    if (source === null) continue; // the source vanished since the scan
    const target = abs(copy.to);
    const now = await stat(target).catch(() => null);
    if (copy.toMtimeMs === null ? now !== null : now === null || now.mtimeMs !== copy.toMtimeMs) continue;
    const mtime = new Date(copy.mtimeMs);
    const current = now ? await readFile(target).catch(() => null) : null;
    if (current === null || !current.equals(source)) {
      await writeFileAtomic(target, source);
      (now ? report.updated : report.created).push(copy.to);
    }
    // Same content, older mtime (or a fresh copy): align the mtime so the folder is settled.
    await utimes(target, mtime, mtime);
  }
  return report;
}

/** One sync pass over an agent home. */
export async function syncRuleFiles(home: string): Promise<RuleSyncReport> {
  return applyRuleSync(home, planRuleSync(await scanRuleDirs(home)));
}

function skipDir(parentRel: string, name: string): boolean {
  if (name.startsWith('.') || SKIPPED_DIRS.has(name)) return true;
  return parentRel === '' && SKIPPED_AT_HOME_ROOT.has(name);
}

/** `workspace/cron_tasks/<job>`, exactly one level below the cron tasks folder. */
function isCronTaskDir(rel: string): boolean {
  return rel.startsWith(`${CRON_TASKS_DIR}/`) && !rel.slice(CRON_TASKS_DIR.length + 1).includes('/');
}

function byName(a: RuleFileState, b: RuleFileState): number {
  return a.name < b.name ? -1 : a.name > b.name ? 1 : 0;
}
