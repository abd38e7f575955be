/**
 * Where the update check and `ductor upgrade` look for new versions. No package named `ductor` is
 * published by this project, so asking the npm registry for that name would follow whoever
 * publishes it next. The source is therefore one the user chose (`update_source` in config.json):
 *
 * - `auto` (default): a source checkout follows its git remote (tags `vX.Y.Z`, upgraded with
 *   `git pull --ff-only && npm ci && npm run build`); any other install has no source and the check
 *   is off until one is configured.
 * - `git`: the git remote, as `auto` does for a checkout.
 * - `npm:NAME`: an npm package the user trusts (`npm view NAME`, `npm install -g NAME@VERSION`).
 * - an `https://` URL of a release tarball (`npm view URL`, `npm install -g URL`).
 * - `off`: no check, no upgrade.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { lastLine, type CommandResult } from '../command-runner.js';

export type UpdateSource =
  | { kind: 'git'; root: string }
  | { kind: 'npm'; name: string }
  | { kind: 'url'; url: string }
  | { kind: 'off'; reason: string };

/** How to turn the check on, said wherever it is off. */
export const ENABLE_HINT =
  'set "update_source" in config.json to "npm:PACKAGE" (a package you trust) or the https:// URL of a release tarball to enable update checks';

/** npm's rules for a package name, scoped or not; nothing that could be read as a path or a flag. */
const NPM_NAME = /^(?:@[a-z0-9][a-z0-9._~-]*\/)?[a-z0-9][a-z0-9._~-]*$/;

/** True when `root` is a git checkout of the sources (not an installed package). */
export function isSourceCheckout(root: string): boolean {
  return existsSync(join(root, '.git'));
}

/** Checks an `update_source` value; null when valid, else what is wrong with it. */
export function updateSourceProblem(value: string): string | null {
  if (['auto', 'git', 'off'].includes(value)) return null;
  if (value.startsWith('npm:')) {
    const name = value.slice(4);
    return NPM_NAME.test(name) && name.length <= 214 ? null : `"${name}" is not an npm package name`;
  }
  if (value.startsWith('https://')) {
    try {
      new URL(value);
      return null;
    } catch {
      return `"${value}" is not a URL`;
    }
  }
  return `"${value}" is none of auto, git, off, npm:PACKAGE or an https:// URL`;
}

/** The update source for an install at `packageRoot` given the configured value. */
export function resolveUpdateSource(configured: string, packageRoot: string): UpdateSource {
  const problem = updateSourceProblem(configured);
  if (problem !== null) return { kind: 'off', reason: `update_source: ${problem}` };
  if (configured === 'off') return { kind: 'off', reason: 'update_source is "off"' };
  if (configured.startsWith('npm:')) return { kind: 'npm', name: configured.slice(4) };
  if (configured.startsWith('https://')) return { kind: 'url', url: configured };
  if (isSourceCheckout(packageRoot)) return { kind: 'git', root: packageRoot };
  if (configured === 'git') return { kind: 'off', reason: `update_source is "git" but ${packageRoot} is not a git checkout` };
  return { kind: 'off', reason: `this ductor was installed from a package, and no update source is configured; ${ENABLE_HINT}` };
}

/** A human description of a source, for messages. */
export function describeSource(source: UpdateSource): string {
  switch (source.kind) {
    case 'git':
      return `the git remote of ${source.root}`;
    case 'npm':
      return `the npm package ${source.name}`;
    case 'url':
      return source.url;
    case 'off':
      return 'nothing (off)';
  }
}

/**
 * What a failed `npm view`/`npm install` said, in one line. A 404 is named as such: the package
 * or tarball does not exist there, which is different from being offline.
 */
export function npmFailure(result: CommandResult, what: string): string {
  const text = `${result.stdout}\n${result.stderr}`;
  if (/\bE404\b|404 Not Found/.test(text)) return `${what} does not exist (404 from the registry)`;
  if (result.spawnError) return `npm could not be started: ${result.spawnError}`;
  const lines = text.split('\n').map((l) => l.trim()).filter((l) => l && !/A complete log of this run|npm error A complete log/.test(l));
  return lines.at(-1) ?? lastLine(result);
}
