/**
 * The single-instance lock of a home: proper-lockfile on the home folder (so two supervisors can
 * never both hold it) plus `bot.pid` for tooling. Like the original, a second `ductor` stops the
 * running one and takes over; a lock left by a killed process is recovered at once.
 *
 * Only a process that is this home's ductor is ever signalled: the pid must still name a process
 * whose command line says ductor and that was already running when `bot.pid` was written (the
 * file's modification time records that moment, so `bot.pid` stays a bare pid for tooling such as
 * `kill $(cat bot.pid)`). A pid reused by another program after a reboot fails the check.
 */
import { mkdir, readFile, rm, stat, unlink } from 'node:fs/promises';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import lockfile from 'proper-lockfile';
import { DuctorError } from '../shared/errors.js';
import { isProcessAlive } from '../shared/process-alive.js';
import { writeFileAtomic } from '../shared/store/atomic-write.js';
import { identityOf } from './process-identity.js';

/** How long the previous instance gets to shut down after SIGTERM before SIGKILL (ms). */
const TAKEOVER_GRACE_MS = 10_000;
const POLL_MS = 100;
/** The lock is refreshed every STALE/2; a holder silent for this long is considered dead. */
const STALE_MS = 10_000;
/** Start times are known to about a second (clock ticks, boot time in whole seconds). */
const START_TIME_SLACK_MS = 2_000;

export type PidLock = { release: () => Promise<void> };

export type AcquireOptions = {
  home: string;
  /** One line for the user, e.g. "another instance is running…". */
  say: (line: string) => void;
  /** The lock was lost (another process took it): the caller must shut down. */
  onCompromised: (error: Error) => void;
};

export function pidFileOf(home: string): string {
  return join(home, 'bot.pid');
}

function lockDirOf(home: string): string {
  return join(home, 'bot.lock');
}

/** Reads the pid in `bot.pid`, or null when the file is missing or unreadable. */
export async function readPidFile(home: string): Promise<number | null> {
  try {
    const pid = Number.parseInt((await readFile(pidFileOf(home), 'utf8')).trim(), 10);
    return Number.isInteger(pid) && pid > 0 ? pid : null;
  } catch {
    return null;
  }
}

/**
 * The pid in `bot.pid` when it names a live ductor that wrote the file; null for a missing file,
 * a dead pid, or a live process that is someone else (never signal that one).
 */
export async function runningDuctorPid(home: string): Promise<number | null> {
  const pid = await readPidFile(home);
  if (pid === null || pid === process.pid || !isProcessAlive(pid)) return null;
  const writtenAtMs = await stat(pidFileOf(home)).then((s) => s.mtimeMs, () => null);
  const { commandLine, startedAtMs } = identityOf(pid);
  // Nothing readable about the process: it cannot be told apart from a stranger, so it is left alone.
  if (commandLine === null) return null;
  if (!/ductor/i.test(commandLine)) return null;
  if (startedAtMs !== null && writtenAtMs !== null && startedAtMs > writtenAtMs + START_TIME_SLACK_MS) return null;
  return pid;
}

export async function acquirePidLock(options: AcquireOptions): Promise<PidLock> {
  const { home, say } = options;
  // The home holds tokens and every message: owner-only from the first moment (seeding tightens an existing one).
  await mkdir(home, { recursive: true, mode: 0o700 });

  const named = await readPidFile(home);
  const previous = await runningDuctorPid(home);
  if (previous !== null) {
    say(`another ductor is running on ${home} (pid ${previous}); stopping it and taking over`);
    await stopPrevious(previous);
  } else if (named !== null && named !== process.pid && isProcessAlive(named)) {
    say(`bot.pid names pid ${named}, a live process that is not this home's ductor (a reused pid); leaving it alone`);
  }

  const release = await lockHome(home, options.onCompromised);
  await writeFileAtomic(pidFileOf(home), `${process.pid}\n`);
  return {
    release: async () => {
      if ((await readPidFile(home)) === process.pid) await unlink(pidFileOf(home)).catch(() => undefined);
      await release().catch(() => undefined); // already released or compromised: nothing left to free
    },
  };
}

async function stopPrevious(pid: number): Promise<void> {
  process.kill(pid, 'SIGTERM');
  const deadline = Date.now() + TAKEOVER_GRACE_MS;
  while (Date.now() < deadline) {
    if (!isProcessAlive(pid)) return;
    await sleep(POLL_MS);
  }
  try {
    process.kill(pid, 'SIGKILL');
  } catch {
    return; // it exited between the check and the kill
  }
  while (isProcessAlive(pid)) await sleep(POLL_MS);
}

async function lockHome(home: string, onCompromised: (error: Error) => void): Promise<() => Promise<void>> {
  const options = { lockfilePath: lockDirOf(home), stale: STALE_MS, realpath: false, onCompromised };
  try {
    return await lockfile.lock(home, options);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ELOCKED') throw error;
  }
  // Held, but maybe by a process that was killed before it could release: bot.pid tells.
  const holder = await runningDuctorPid(home);
  if (holder !== null) {
    throw new DuctorError('LOCKED', `the home ${home} is locked by a running ductor (pid ${holder})`);
  }
  await rm(lockDirOf(home), { recursive: true, force: true });
  return lockfile.lock(home, options);
}
