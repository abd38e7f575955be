/**
 * The single-instance lock of a home: proper-lockfile on the home folder (so two supervisors can
 * never both hold it) plus `bot.pid` for tooling. Like the original, a second `ductor` stops the
 * running one and takes over; a lock left by a killed process is recovered at once.
 */
import { mkdir, readFile, rm, unlink } from 'node:fs/promises';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import lockfile from 'proper-lockfile';
import { DuctorError } from '../shared/errors.js';
import { isProcessAlive } from '../shared/process-alive.js';
import { writeFileAtomic } from '../shared/store/atomic-write.js';

/** How long the previous instance gets to shut down after SIGTERM before SIGKILL (ms). */
const TAKEOVER_GRACE_MS = 10_000;
const POLL_MS = 100;
/** The lock is refreshed every STALE/2; a holder silent for this long is considered dead. */
const STALE_MS = 10_000;

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

export async function acquirePidLock(options: AcquireOptions): Promise<PidLock> {
  const { home, say } = options;
  await mkdir(home, { recursive: true });

  const previous = await readPidFile(home);
  if (previous !== null && previous !== process.pid && isProcessAlive(previous)) {
    say(`another ductor is running on ${home} (pid ${previous}); stopping it and taking over`);
    await stopPrevious(previous);
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
  const holder = await readPidFile(home);
  if (holder !== null && holder !== process.pid && isProcessAlive(holder)) {
    throw new DuctorError('LOCKED', `the home ${home} is locked by a running ductor (pid ${holder})`);
  }
  await rm(lockDirOf(home), { recursive: true, force: true });
  return lockfile.lock(home, options);
}
