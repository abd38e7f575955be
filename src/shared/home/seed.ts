/**
 * Seeds an agent home from the `home-defaults/` template tree:
 * managed files (zone 2: rule files, the bundled tool folders) are refreshed on every start,
 * every other template (zone 3) is copied once and never overwritten, required folders exist.
 *
 * The file calls are synchronous on purpose: seeding runs while the supervisor starts, before it
 * serves anything, and a few hundred small-file operations cost a fraction of the CPU this way
 * that the thread pool's promise round trips cost (on the development VM about 50 ms a home).
 */
import { randomBytes } from '../lazy-crypto.js';
import { OWNER_ONLY_FOLDER, ownerOnlyFolderSync } from '../store/owner-only.js';
import { constants, copyFileSync, existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync } from 'node:fs';
import { basename, dirname, join, posix } from 'node:path';
import { RULE_FILE_NAMES, RULE_FILE_OF, isRuleTemplate, ruleTargets, templateCandidates, type ProviderName } from './rule-files.js';
import { packageInfo } from '../package-info.js';

/** Tool folders whose files ductor owns and replaces on every start. */
const MANAGED_TOOL_DIRS = ['cron_tools', 'webhook_tools', 'agent_tools', 'task_tools'].map(
  (name) => `workspace/tools/${name}`,
);

/** Bundled skills ship here; ductor keeps them current like the tools (the skill sync links them out). */
const BUNDLED_SKILLS_DIR = 'workspace/skills';

/** Folders every agent home needs (home-relative, POSIX separators). */
const REQUIRED_DIRS = [
  'config',
  'workspace',
  'workspace/memory_system',
  'workspace/cron_tasks',
  'workspace/tasks',
  'workspace/skills',
  'workspace/tools',
  ...MANAGED_TOOL_DIRS,
  'workspace/tools/user_tools',
  'workspace/telegram_files',
  'workspace/output_to_user',
];
/** Only the main home has these: sub-agents log to the main logs and share its memory file. */
const MAIN_ONLY_DIRS = ['logs'];
/** Folders made 0700 on every start whatever their mode was (the home itself always is). */
const OWNER_ONLY_DIRS = ['config'];
const OWNER_ONLY_DIRS_MAIN = [...OWNER_ONLY_DIRS, 'logs', 'run'];
const MAIN_ONLY_FILES = new Set(['SHAREDMEMORY.md']);
/** Rule files under here belong to the user's cron jobs and are never removed. */
const USER_RULES_ROOT = 'workspace/cron_tasks';

export type SeedOptions = {
  role: 'main' | 'sub';
  /** The template tree, usually `defaultHomeDefaultsDir()`. */
  defaultsDir: string;
  /** Providers whose CLI is logged in; decides rule-file variant and targets (all three when unknown). */
  authenticatedProviders?: ProviderName[];
};

/** What seeding did, as home-relative POSIX paths. */
export type SeedReport = { created: string[]; refreshed: string[]; removed: string[] };

/** Seeds `home`; idempotent, safe to run on every start. */
export async function seedHome(home: string, options: SeedOptions): Promise<SeedReport> {
  const report: SeedReport = { created: [], refreshed: [], removed: [] };
  const dirs = options.role === 'main' ? [...REQUIRED_DIRS, ...MAIN_ONLY_DIRS] : REQUIRED_DIRS;
  // The home holds tokens, sessions and every message: owner-only, whatever the umask.
  ownerOnlyFolderSync(home);
  for (const dir of dirs) mkdirSync(join(home, dir), { recursive: true, mode: OWNER_ONLY_FOLDER });
  // Folders of tokens, logs and runtime state are tightened even when they already existed looser.
  for (const dir of options.role === 'main' ? OWNER_ONLY_DIRS_MAIN : OWNER_ONLY_DIRS) ownerOnlyFolderSync(join(home, dir));

  const ruleFolders = new Set<string>();
  for (const rel of listFiles(options.defaultsDir)) {
    const name = posix.basename(rel);
    const folder = posix.dirname(rel) === '.' ? '' : posix.dirname(rel);
    if (isRuleTemplate(name)) {
      ruleFolders.add(folder);
      continue;
    }
    if (options.role === 'sub' && folder === '' && MAIN_ONLY_FILES.has(name)) continue;
    const source = join(options.defaultsDir, rel);
    if (isManaged(rel)) {
      refreshFile(source, home, rel, report);
      // A template CLAUDE.md stands for all three providers' rule files.
      if (name === 'CLAUDE.md') {
        for (const sibling of ['AGENTS.md', 'GEMINI.md']) refreshFile(source, home, posix.join(folder, sibling), report);
      }
    } else {
      seedOnce(source, home, rel, report);
    }
  }

  const targets = ruleTargets(options.authenticatedProviders);
  const pruneOthers = (options.authenticatedProviders?.length ?? 0) > 0;
  for (const folder of ruleFolders) {
    const template = templateCandidates(targets).find((candidate) => existsSync(join(options.defaultsDir, folder, candidate)));
    if (!template) continue;
    for (const provider of targets) {
      refreshFile(join(options.defaultsDir, folder, template), home, posix.join(folder, RULE_FILE_OF[provider]), report);
    }
    if (pruneOthers && !isUnder(folder, USER_RULES_ROOT)) removeStaleRuleFiles(home, folder, targets, report);
  }
  return report;
}

/**
 * The bundled `home-defaults/` folder: found by walking up from this module to the folder whose
 * package.json is named `ductor`, so it works from `src/` (tsx) and `dist/src/` (compiled).
 */
export function defaultHomeDefaultsDir(): string {
  return join(packageInfo().root, 'home-defaults');
}

function isManaged(rel: string): boolean {
  return RULE_FILE_NAMES.includes(posix.basename(rel)) || MANAGED_TOOL_DIRS.includes(posix.dirname(rel)) || isUnder(posix.dirname(rel), BUNDLED_SKILLS_DIR);
}

function isUnder(folder: string, root: string): boolean {
  return folder === root || folder.startsWith(`${root}/`);
}

/** Every file below `root`, as POSIX paths relative to it. */
function listFiles(root: string, prefix = ''): string[] {
  const out: string[] = [];
  for (const entry of readdirSync(join(root, prefix), { withFileTypes: true })) {
    const rel = prefix ? `${prefix}/${entry.name}` : entry.name;
    if (entry.isDirectory()) out.push(...listFiles(root, rel));
    else if (entry.isFile()) out.push(rel);
  }
  return out.sort();
}

/** Zone 2: make `home/rel` equal to `source` (atomically, mode kept), skipping identical files. */
function refreshFile(source: string, home: string, rel: string, report: SeedReport): void {
  const target = join(home, ...rel.split('/'));
  const wanted = readFileSync(source);
  const current = readOrNull(target);
  if (current?.equals(wanted)) return;
  mkdirSync(dirname(target), { recursive: true });
  const temp = join(dirname(target), `.${basename(target)}.${randomBytes(4).toString('hex')}.tmp`);
  try {
    copyFileSync(source, temp); // copies the mode too, so scripts stay executable
    renameSync(temp, target);
  } catch (error) {
    rmSync(temp, { force: true }); // the temp copy is litter once the refresh failed
    throw error;
  }
  (current === null ? report.created : report.refreshed).push(rel);
}

/** Zone 3: copy `source` to `home/rel` only when nothing is there yet. */
function seedOnce(source: string, home: string, rel: string, report: SeedReport): void {
  const target = join(home, ...rel.split('/'));
  mkdirSync(dirname(target), { recursive: true });
  try {
    copyFileSync(source, target, constants.COPYFILE_EXCL);
    report.created.push(rel);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error; // EEXIST: the user's copy wins
  }
}

/** Removes the rule files of providers that are not logged in from one deployed folder. */
function removeStaleRuleFiles(home: string, folder: string, keep: readonly ProviderName[], report: SeedReport): void {
  const keepNames = new Set(keep.map((p) => RULE_FILE_OF[p]));
  for (const name of RULE_FILE_NAMES) {
    if (keepNames.has(name)) continue;
    const rel = folder ? `${folder}/${name}` : name;
    const target = join(home, ...rel.split('/'));
    if (!existsSync(target)) continue;
    rmSync(target, { force: true });
    report.removed.push(rel);
  }
}

function readOrNull(file: string): Buffer | null {
  try {
    return readFileSync(file);
  } catch {
    return null;
  }
}
