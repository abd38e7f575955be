/**
 * Cross-tool skill sync: a skill (a folder with `SKILL.md`) found in the
 * workspace or in one CLI's skill folder is linked into the others, so every CLI sees the same
 * skills. Links are the only thing this code creates or removes; a real folder is never touched.
 */
import { lstat, mkdir, readdir, readlink, realpath, stat, symlink, unlink } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';

/** How often the skill folders are compared (ms). */
export const SKILL_SYNC_INTERVAL_MS = 30_000;
/** Folder names that are never skills even with a SKILL.md (tool caches, system folders). */
const SYSTEM_DIRS = new Set(['node_modules', '__pycache__']);

/** Root names in priority order: the first real copy of a skill, in this order, is its source. */
export const SKILL_ROOT_PRIORITY = ['ductor', 'claude', 'codex', 'gemini'] as const;
export type SkillRootName = (typeof SKILL_ROOT_PRIORITY)[number];

/**
 * A folder of skills. `requires` is the CLI's own folder (`~/.claude`, …): the skills folder is
 * created inside it when missing, but only when the CLI has left that folder, so ductor does not
 * invent `~/.gemini` for someone who never installed Gemini.
 */
export type SkillRoot = { name: SkillRootName; dir: string; requires?: string };

export type SkillRootsOptions = {
  /** `<agent home>/workspace`. */
  workspaceDir: string;
  /** The user's home folder (`os.homedir()` in production, a temp folder in tests). */
  userHome: string;
  env: NodeJS.ProcessEnv;
  /**
   * Whether the CLIs' own skill folders take part. Only the main agent syncs them: several agent
   * workers writing the same `~/.claude/skills` would race each other.
   */
  includeCliRoots: boolean;
};

/** The roots of one agent, in priority order. */
export function skillRoots(options: SkillRootsOptions): SkillRoot[] {
  const roots: SkillRoot[] = [{ name: 'ductor', dir: join(options.workspaceDir, 'skills') }];
  if (!options.includeCliRoots) return roots;
  const codexHome = options.env.CODEX_HOME?.trim() ? options.env.CODEX_HOME : join(options.userHome, '.codex');
  for (const [name, cliHome] of [
    ['claude', join(options.userHome, '.claude')],
    ['codex', codexHome],
    ['gemini', join(options.userHome, '.gemini')],
  ] as const) {
    roots.push({ name, dir: join(cliHome, 'skills'), requires: cliHome });
  }
  return roots;
}

/**
 * What one root holds under one name: a real skill folder, a link that leads to a skill, a link
 * that leads nowhere, or something else (a file, a folder without SKILL.md) that is left alone.
 * `managed` marks links ductor may remove: those pointing straight at `<some root>/<name>`.
 */
export type SkillEntry = { root: SkillRootName; name: string; kind: 'dir' | 'link' | 'broken-link' | 'other'; managed: boolean };

export type SkillAction = { kind: 'link'; path: string; target: string } | { kind: 'unlink'; path: string };

/**
 * The links that make every usable root hold every skill, and the broken managed links to drop.
 * For each skill the source is the highest-priority root holding a real folder, else the
 * highest-priority root holding a working link. Pure.
 */
export function planSkillSync(roots: readonly SkillRoot[], entries: readonly SkillEntry[]): SkillAction[] {
  const actions: SkillAction[] = [];
  const dirOf = new Map(roots.map((root) => [root.name, root.dir]));
  const entryAt = (root: SkillRootName, name: string) => entries.find((e) => e.root === root && e.name === name);
  const rank = (root: SkillRootName) => SKILL_ROOT_PRIORITY.indexOf(root);

  for (const entry of entries) {
    if (entry.kind === 'broken-link' && entry.managed && dirOf.has(entry.root)) {
      actions.push({ kind: 'unlink', path: join(dirOf.get(entry.root)!, entry.name) });
    }
  }
  const names = [...new Set(entries.filter((e) => e.kind === 'dir' || e.kind === 'link').map((e) => e.name))].sort();
  for (const name of names) {
    const candidates = entries.filter((e) => e.name === name && dirOf.has(e.root) && (e.kind === 'dir' || e.kind === 'link'));
    candidates.sort((a, b) => (a.kind === b.kind ? rank(a.root) - rank(b.root) : a.kind === 'dir' ? -1 : 1));
    const source = candidates[0];
    if (!source) continue;
    const target = join(dirOf.get(source.root)!, name);
    for (const root of roots) {
      if (root.name === source.root) continue;
      const existing = entryAt(root.name, name);
      // A broken managed link was queued for removal above and is replaced here.
      if (existing && !(existing.kind === 'broken-link' && existing.managed)) continue;
      actions.push({ kind: 'link', path: join(root.dir, name), target });
    }
  }
  return actions;
}

export type SkillSyncReport = { linked: string[]; removed: string[] };

/** Scans a set of roots, applies the plan, and remembers which links it made so it can take them back. */
export class SkillSync {
  private readonly created = new Map<string, string>();

  constructor(private readonly roots: readonly SkillRoot[]) {}

  /** One pass: scan, plan, apply. */
  async syncOnce(): Promise<SkillSyncReport> {
    const usable = await this.usableRoots();
    const entries = await scanSkillEntries(usable, this.roots);
    this.adoptLeftovers(usable, entries);
    const report: SkillSyncReport = { linked: [], removed: [] };
    for (const action of planSkillSync(usable, entries)) {
      if (action.kind === 'unlink') {
        await unlink(action.path).catch(ignoreMissing);
        this.created.delete(action.path);
        report.removed.push(action.path);
        continue;
      }
      await mkdir(dirname(action.path), { recursive: true });
      try {
        await symlink(action.target, action.path, process.platform === 'win32' ? 'junction' : 'dir');
      } catch (error) {
        // Someone (a CLI installing a skill) took the name between scan and link: theirs wins.
        if ((error as NodeJS.ErrnoException).code === 'EEXIST') continue;
        throw error;
      }
      this.created.set(action.path, action.target);
      report.linked.push(action.path);
    }
    return report;
  }

  /**
   * Removes the links this instance made in the CLI folders, as long as each still is the link it
   * made (a user may have replaced it with a real folder since). The workspace keeps its links:
   * they point at the CLI folders, which stay.
   */
  async removeCreatedLinks(): Promise<string[]> {
    const removed: string[] = [];
    const workspaceRoot = this.roots.find((r) => r.name === 'ductor')?.dir;
    for (const [path, target] of this.created) {
      if (workspaceRoot !== undefined && dirname(path) === workspaceRoot) continue;
      const current = await readlink(path).catch(() => null);
      if (current === null || resolve(dirname(path), current) !== target) continue;
      await unlink(path).catch(ignoreMissing);
      removed.push(path);
    }
    this.created.clear();
    return removed;
  }

  /**
   * Links in CLI folders that point at this workspace's skills were made by an earlier run that
   * did not get to clean up (a crash): they count as ours, so shutdown removes them too.
   */
  private adoptLeftovers(usable: readonly SkillRoot[], entries: readonly ScannedEntry[]): void {
    const workspaceRoot = usable.find((r) => r.name === 'ductor');
    if (!workspaceRoot) return;
    for (const root of usable) {
      if (root.name === 'ductor') continue;
      for (const entry of entries) {
        if (entry.root !== root.name || entry.kind !== 'link' || !entry.managed) continue;
        const path = join(root.dir, entry.name);
        const target = join(workspaceRoot.dir, entry.name);
        if (!this.created.has(path) && entry.linkTarget === target) this.created.set(path, target);
      }
    }
  }

  /** Roots that exist or may be created; the workspace root is always created. */
  private async usableRoots(): Promise<SkillRoot[]> {
    const usable: SkillRoot[] = [];
    for (const root of this.roots) {
      if (root.requires !== undefined && !(await isDirectory(root.requires))) continue;
      await mkdir(root.dir, { recursive: true });
      usable.push(root);
    }
    return usable;
  }
}

type ScannedEntry = SkillEntry & { linkTarget?: string };

/** What every root holds; `allRoots` decides which link targets count as ductor-managed. */
export async function scanSkillEntries(roots: readonly SkillRoot[], allRoots: readonly SkillRoot[] = roots): Promise<ScannedEntry[]> {
  const rootDirs = new Set<string>();
  for (const root of allRoots) {
    rootDirs.add(resolve(root.dir));
    const real = await realpath(root.dir).catch(() => null);
    if (real) rootDirs.add(real);
  }
  const entries: ScannedEntry[] = [];
  for (const root of roots) {
    let names: string[];
    try {
      names = await readdir(root.dir);
    } catch {
      continue; // the root vanished since it was created: nothing to read this pass
    }
    for (const name of names.sort()) {
      if (name.startsWith('.') || SYSTEM_DIRS.has(name)) continue;
      const path = join(root.dir, name);
      const info = await lstat(path).catch(() => null);
      if (!info) continue;
      if (info.isSymbolicLink()) {
        const raw = await readlink(path).catch(() => null);
        const linkTarget = raw === null ? undefined : resolve(root.dir, raw);
        const managed = linkTarget !== undefined && rootDirs.has(dirname(linkTarget));
        const kind = (await isFile(join(path, 'SKILL.md'))) ? 'link' : (await stat(path).catch(() => null)) ? 'other' : 'broken-link';
        entries.push({ root: root.name, name, kind, managed, ...(linkTarget !== undefined ? { linkTarget } : {}) });
      } else if (info.isDirectory()) {
        entries.push({ root: root.name, name, kind: (await isFile(join(path, 'SKILL.md'))) ? 'dir' : 'other', managed: false });
      } else {
        entries.push({ root: root.name, name, kind: 'other', managed: false });
      }
    }
  }
  return entries;
}

async function isFile(path: string): Promise<boolean> {
  return (await stat(path).catch(() => null))?.isFile() ?? false;
}

async function isDirectory(path: string): Promise<boolean> {
  return (await stat(path).catch(() => null))?.isDirectory() ?? false;
}

function ignoreMissing(error: unknown): void {
  // Gone already is what we wanted.
  if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
}
