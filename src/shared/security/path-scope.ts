/**
 * Path checks for every path that comes from outside (a model's `<file:…>` tag, an API download,
 * a task folder name): no NUL or control characters, symlinks resolved, and the canonical path
 * must sit inside one of the roots that `file_access` allows.
 */
import { realpath } from 'node:fs/promises';
import { basename, dirname, isAbsolute, join, relative, resolve, sep } from 'node:path';
import { DuctorError } from '../errors.js';

/** `file_access` values; anything else is treated as `workspace` (the narrowest). */
export type FileAccess = 'all' | 'home' | 'workspace';

export type PathRejection = 'nul_byte' | 'control_char' | 'empty' | 'outside_roots';

export type PathCheck = { ok: true; path: string } | { ok: false; reason: PathRejection; message: string };

/**
 * The roots a `file_access` value allows: `null` for `all` (no check), the OS user's home for
 * `home`, the agent workspace for `workspace` and for any unknown value.
 */
export function rootsForFileAccess(fileAccess: string, places: { userHome: string; workspace: string }): string[] | null {
  if (fileAccess === 'all') return null;
  if (fileAccess === 'home') return [places.userHome];
  return [places.workspace];
}

/**
 * Checks `candidate` against `roots` (null = any place). A relative candidate is taken relative
 * to `base` (default the first root). The answer carries the canonical path (symlinks followed,
 * including those in the part that does not exist yet) that callers must use from then on.
 */
export async function checkPath(candidate: string, roots: readonly string[] | null, options: { base?: string } = {}): Promise<PathCheck> {
  if (candidate === '') return { ok: false, reason: 'empty', message: 'the path is empty' };
  if (candidate.includes('\0')) return { ok: false, reason: 'nul_byte', message: 'the path contains a NUL byte' };
  // Newlines are tolerated as the original does (file names can carry them); other C0 controls never.
  if (/[\x01-\x09\x0b-\x1f]/.test(candidate)) return { ok: false, reason: 'control_char', message: 'the path contains a control character' };
  const base = options.base ?? roots?.[0] ?? process.cwd();
  const canonical = await canonicalize(isAbsolute(candidate) ? candidate : resolve(base, candidate));
  if (roots === null) return { ok: true, path: canonical };
  for (const root of roots) {
    if (isInside(await canonicalize(resolve(root)), canonical)) return { ok: true, path: canonical };
  }
  return { ok: false, reason: 'outside_roots', message: `${candidate} is outside the allowed folders (${roots.join(', ')})` };
}

/** Like `checkPath`, but throws DuctorError `PATH_OUT_OF_SCOPE` (with `reason`) when refused. */
export async function assertPathInScope(candidate: string, roots: readonly string[] | null, options: { base?: string } = {}): Promise<string> {
  const result = await checkPath(candidate, roots, options);
  if (result.ok) return result.path;
  throw Object.assign(new DuctorError('PATH_OUT_OF_SCOPE', result.message), { reason: result.reason });
}

/**
 * The folder `<parent>/<name>` for a name that comes from outside (a cron task or webhook id):
 * one plain path segment, no separators, not `.` or `..`, no control characters. Throws
 * DuctorError `UNSAFE_NAME` otherwise.
 */
export function childPath(parent: string, name: string): string {
  const plain = name !== '' && name !== '.' && name !== '..' && !/[\\/\x00-\x1f]/.test(name) && basename(name) === name;
  if (!plain) throw new DuctorError('UNSAFE_NAME', `${JSON.stringify(name)} is not a usable folder name (one segment, no slashes or "..")`);
  return join(parent, name);
}

/** True when `child` equals `root` or lies below it (both canonical). `..foo` is a legal name, not an escape. */
export function isInside(root: string, child: string): boolean {
  const rel = relative(root, child);
  return rel === '' || (!isAbsolute(rel) && rel !== '..' && !rel.startsWith(`..${sep}`));
}

/**
 * realpath of the longest existing prefix, with the rest appended: a path that does not exist yet
 * still cannot escape through a symlinked parent.
 */
async function canonicalize(path: string): Promise<string> {
  const missing: string[] = [];
  let current = path;
  for (;;) {
    try {
      const real = await realpath(current);
      return missing.length === 0 ? real : join(real, ...missing.reverse());
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (code !== 'ENOENT' && code !== 'ENOTDIR') throw error;
      const parent = dirname(current);
      if (parent === current) return path; // nothing exists, not even the root: keep it lexical
      missing.push(basename(current));
      current = parent;
    }
  }
}
