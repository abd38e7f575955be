/**
 * The pieces of an upgrade, shared by `ductor upgrade` and the bot's `/upgrade`: ask the configured
 * update source (src/shared/upgrade/update-source.ts) for the newest version, install it, confirm
 * what got installed, and leave a sentinel so the restarted bot can report the result.
 */
import { readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import * as z from 'zod/mini';
import '../zod-english.js';
import { mainPaths } from '../paths.js';
import { writeFileAtomic } from '../store/atomic-write.js';
import { lastLine, type CommandRunner } from '../command-runner.js';
import { compareSemver, isNewer, parseSemver } from './semver.js';
import { npmFailure, type UpdateSource } from './update-source.js';

/** The name this package installs under (`npm uninstall -g`, `npm ls -g`). */
export const PACKAGE_NAME = 'ductor';
const REGISTRY_TIMEOUT_MS = 30_000;
const INSTALL_TIMEOUT_MS = 300_000;

export type UpdateCheck = { current: string; latest: string; available: boolean };
export type ActiveSource = Exclude<UpdateSource, { kind: 'off' }>;

/**
 * The newest version the source offers. Answers are data from the network: anything that is not
 * one plain semver string is rejected.
 */
export async function checkForUpdate(run: CommandRunner, current: string, source: ActiveSource): Promise<UpdateCheck> {
  const latest = source.kind === 'git' ? await latestGitTag(run, source.root) : await latestNpmVersion(run, source.kind === 'npm' ? source.name : source.url);
  return { current, latest, available: isNewer(latest, current) };
}

async function latestNpmVersion(run: CommandRunner, spec: string): Promise<string> {
  const result = await run('npm', ['view', spec, 'version', '--json'], { timeoutMs: REGISTRY_TIMEOUT_MS });
  if (result.code !== 0) throw new Error(`could not ask npm for the newest version of ${spec}: ${npmFailure(result, spec)}`);
  let parsed: unknown;
  try {
    parsed = JSON.parse(result.stdout);
  } catch {
    throw new Error(`npm answered something that is not JSON for ${spec}: ${JSON.stringify(result.stdout.slice(0, 80))}`);
  }
  // Several matching versions come back as a list; the last is the newest.
  const latest = Array.isArray(parsed) ? parsed.at(-1) : parsed;
  if (typeof latest !== 'string' || parseSemver(latest) === null || latest.length > 64) {
    throw new Error(`npm answered an invalid version for ${spec}: ${JSON.stringify(latest).slice(0, 80)}`);
  }
  return latest;
}

/** `git fetch --tags`, then the highest `vX.Y.Z` tag of the checkout. */
async function latestGitTag(run: CommandRunner, root: string): Promise<string> {
  const fetch = await run('git', ['-C', root, 'fetch', '--tags', '--quiet'], { timeoutMs: REGISTRY_TIMEOUT_MS });
  if (fetch.code !== 0) throw new Error(`could not fetch from the git remote of ${root}: ${lastLine(fetch)}`);
  const tags = await run('git', ['-C', root, 'tag', '--list', 'v*'], { timeoutMs: REGISTRY_TIMEOUT_MS });
  if (tags.code !== 0) throw new Error(`could not list the git tags of ${root}: ${lastLine(tags)}`);
  const versions = tags.stdout.split('\n').map((t) => t.trim().replace(/^v/, '')).filter((t) => parseSemver(t) !== null);
  if (versions.length === 0) throw new Error(`the git remote of ${root} has no release tags (vX.Y.Z)`);
  return versions.sort((a, b) => compareSemver(parseSemver(a)!, parseSemver(b)!)).at(-1)!;
}

export type InstallResult = { ok: true; installed: string } | { ok: false; error: string };

/** Installs `version` from the source, then reads back the version that got installed. */
export async function installVersion(run: CommandRunner, version: string, source: ActiveSource): Promise<InstallResult> {
  if (parseSemver(version) === null) return { ok: false, error: `refusing to install ${JSON.stringify(version)}: not a version` };
  if (source.kind === 'git') return installFromGit(run, version, source.root);
  const spec = source.kind === 'npm' ? `${source.name}@${version}` : source.url;
  const install = await run('npm', ['install', '-g', spec], { timeoutMs: INSTALL_TIMEOUT_MS });
  if (install.code !== 0) return { ok: false, error: `npm install -g ${spec} failed: ${npmFailure(install, spec)}` };
  const installed = await installedGlobalVersion(run, source.kind === 'npm' ? source.name : PACKAGE_NAME);
  if (installed !== version) return { ok: false, error: `npm reported success but the installed version is ${installed ?? 'unknown'}, not ${version}` };
  return { ok: true, installed };
}

/** `git pull --ff-only && npm ci && npm run build` in the checkout; never discards local changes. */
async function installFromGit(run: CommandRunner, version: string, root: string): Promise<InstallResult> {
  const steps: Array<[string, string[]]> = [
    ['git', ['-C', root, 'pull', '--ff-only']],
    ['npm', ['ci', '--no-audit', '--no-fund']],
    ['npm', ['run', 'build']],
  ];
  for (const [file, args] of steps) {
    const result = await run(file, args, { cwd: root, timeoutMs: INSTALL_TIMEOUT_MS });
    if (result.code !== 0) return { ok: false, error: `${file} ${args.filter((a) => a !== '-C' && a !== root).join(' ')} failed: ${lastLine(result)}` };
  }
  let installed: string | null = null;
  try {
    const pkg = JSON.parse(await readFile(join(root, 'package.json'), 'utf8')) as { version?: unknown };
    installed = typeof pkg.version === 'string' ? pkg.version : null;
  } catch {
    installed = null;
  }
  // The branch may be ahead of the newest tag; behind it means the pull did not bring the release.
  if (installed === null || isNewer(version, installed)) return { ok: false, error: `the checkout is at ${installed ?? 'an unknown version'} after the pull, not ${version}` };
  return { ok: true, installed };
}

/** The globally installed version of `name` per `npm ls -g`, or null. */
export async function installedGlobalVersion(run: CommandRunner, name = PACKAGE_NAME): Promise<string | null> {
  const result = await run('npm', ['ls', '-g', name, '--depth=0', '--json'], { timeoutMs: REGISTRY_TIMEOUT_MS });
  try {
    const tree = JSON.parse(result.stdout) as { dependencies?: Record<string, { version?: unknown }> };
    const version = tree.dependencies?.[name]?.version;
    return typeof version === 'string' ? version : null;
  } catch {
    return null; // npm printed no tree: nothing installed globally
  }
}

export const UpgradeSentinelSchema = z.object({
  chat_id: z.nullable(z.int()),
  old_version: z.string(),
  new_version: z.string(),
});
export type UpgradeSentinel = z.infer<typeof UpgradeSentinelSchema>;

/** Written just before the restart; the bot reads it once after starting and reports. */
export async function writeUpgradeSentinel(home: string, sentinel: UpgradeSentinel): Promise<void> {
  await writeFileAtomic(mainPaths(home).upgradeSentinelFile, `${JSON.stringify(sentinel)}\n`, { mode: 0o600 });
}

/** Reads and deletes the sentinel; a file that does not parse is deleted and yields null. */
export async function consumeUpgradeSentinel(home: string): Promise<UpgradeSentinel | null> {
  const file = mainPaths(home).upgradeSentinelFile;
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch {
    return null; // no upgrade happened
  }
  await rm(file, { force: true });
  try {
    const parsed = UpgradeSentinelSchema.safeParse(JSON.parse(text));
    return parsed.success ? parsed.data : null;
  } catch {
    return null; // corrupt sentinel: already deleted, nothing to report
  }
}

/** The line the bot sends after the restart. */
export function upgradeReport(sentinel: UpgradeSentinel, runningVersion: string): string {
  return runningVersion === sentinel.new_version
    ? `upgrade complete: ${sentinel.old_version} → ${sentinel.new_version}`
    : `upgrade to ${sentinel.new_version} did not take effect; still running ${runningVersion}`;
}
