/**
 * The pieces of an upgrade, shared by `ductor upgrade` and the bot's `/upgrade`: ask the npm
 * registry for the newest version, install it globally, confirm what got installed, and leave a
 * sentinel so the restarted bot can report the result.
 */
import { readFile, rm } from 'node:fs/promises';
import * as z from 'zod/mini';
import '../zod-english.js';
import { mainPaths } from '../paths.js';
import { writeFileAtomic } from '../store/atomic-write.js';
import { lastLine, type CommandRunner } from '../command-runner.js';
import { isNewer, parseSemver } from './semver.js';

export const PACKAGE_NAME = 'ductor';
const REGISTRY_TIMEOUT_MS = 30_000;
const INSTALL_TIMEOUT_MS = 300_000;

export type UpdateCheck = { current: string; latest: string; available: boolean };

/**
 * `npm view ductor version --json`. The answer is data from the network (the name may even
 * belong to another package): anything that is not one plain semver string is rejected.
 */
export async function checkForUpdate(run: CommandRunner, current: string): Promise<UpdateCheck> {
  const result = await run('npm', ['view', PACKAGE_NAME, 'version', '--json'], { timeoutMs: REGISTRY_TIMEOUT_MS });
  if (result.code !== 0) throw new Error(`could not ask the npm registry for the newest ductor: ${lastLine(result)}`);
  let parsed: unknown;
  try {
    parsed = JSON.parse(result.stdout);
  } catch {
    throw new Error(`the npm registry answered something that is not JSON: ${JSON.stringify(result.stdout.slice(0, 80))}`);
  }
  // Several matching versions come back as a list; the last is the newest.
  const latest = Array.isArray(parsed) ? parsed.at(-1) : parsed;
  if (typeof latest !== 'string' || parseSemver(latest) === null || latest.length > 64) {
    throw new Error(`the npm registry answered an invalid version: ${JSON.stringify(latest).slice(0, 80)}`);
  }
  return { current, latest, available: isNewer(latest, current) };
}

/** `npm install -g ductor@<version>`, then reads back the version npm reports as installed. */
export async function installVersion(run: CommandRunner, version: string): Promise<{ ok: true; installed: string } | { ok: false; error: string }> {
  if (parseSemver(version) === null) return { ok: false, error: `refusing to install ${JSON.stringify(version)}: not a version` };
  const install = await run('npm', ['install', '-g', `${PACKAGE_NAME}@${version}`], { timeoutMs: INSTALL_TIMEOUT_MS });
  if (install.code !== 0) return { ok: false, error: `npm install -g ${PACKAGE_NAME}@${version} failed: ${lastLine(install)}` };
  const installed = await installedGlobalVersion(run);
  if (installed !== version) return { ok: false, error: `npm reported success but the installed version is ${installed ?? 'unknown'}, not ${version}` };
  return { ok: true, installed };
}

/** The globally installed ductor version per `npm ls -g`, or null. */
export async function installedGlobalVersion(run: CommandRunner): Promise<string | null> {
  const result = await run('npm', ['ls', '-g', PACKAGE_NAME, '--depth=0', '--json'], { timeoutMs: REGISTRY_TIMEOUT_MS });
  try {
    const tree = JSON.parse(result.stdout) as { dependencies?: Record<string, { version?: unknown }> };
    const version = tree.dependencies?.[PACKAGE_NAME]?.version;
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
