/**
 * Locks on state files: in-process turns for every read-modify-write, plus a cross-process lock
 * (proper-lockfile) for files two processes may write.
 */
import { inFolderMadeOnDemand } from './folder-on-demand.js';

type ProperLockfile = typeof import('proper-lockfile');

/**
 * proper-lockfile is loaded on the first cross-process lock: with signal-exit (which hooks the
 * process's signals) and graceful-fs it took +375 KiB of V8 heap and +128 KiB of malloc after a
 * full GC (Node 24), in every worker, though the idle transport and scheduler never take such a lock.
 */
let properLockfile: Promise<ProperLockfile> | undefined;
function loadProperLockfile(): Promise<ProperLockfile> {
  properLockfile ??= import('proper-lockfile').then((m) => (m as { default?: ProperLockfile }).default ?? m);
  return properLockfile;
}

/** A lock older than this without a refresh is considered abandoned by a dead process. */
const STALE_MS = 10_000;

/**
 * Callers of this process waiting for each file, in order. proper-lockfile only retries on a
 * timer (20 ms and more), so concurrent writers of one process used to sleep through those retries
 * against each other: under webhook load (each accepted request records its trigger) that sleeping
 * made the latency tail. They now wait in line here, and only the head takes the file lock.
 */
const inProcessTails = new Map<string, Promise<unknown>>();

/**
 * Runs `fn` while holding the lock of `file` (a `<file>.lock` folder beside it). Callers in this
 * process take turns first; a lock held by another process is waited for with short retries
 * (about 5 s in all), failing with ELOCKED after that. Not re-entrant: `fn` must not lock the same
 * file again (it would wait for itself).
 */
export function withFileLock<T>(file: string, fn: () => Promise<T>): Promise<T> {
  return withProcessTurn(file, () => withCrossProcessLock(file, fn));
}

/**
 * Runs `fn` when the callers of this process before it on `file` are done: enough for a file only
 * this process writes, whose read-modify-writes must still not interleave (a lost update, or an
 * older snapshot renamed last). Not re-entrant either.
 */
export async function withProcessTurn<T>(file: string, fn: () => Promise<T>): Promise<T> {
  const before = inProcessTails.get(file) ?? Promise.resolve();
  const turn = before.then(fn);
  const tail = turn.catch(() => undefined); // the next caller waits for this one, success or not
  inProcessTails.set(file, tail);
  try {
    return await turn;
  } finally {
    if (inProcessTails.get(file) === tail) inProcessTails.delete(file);
  }
}

const LOCK_OPTIONS = {
  stale: STALE_MS,
  realpath: false,
  retries: { retries: 50, minTimeout: 20, maxTimeout: 200, factor: 1.5 },
};

async function withCrossProcessLock<T>(file: string, fn: () => Promise<T>): Promise<T> {
  // With realpath off, proper-lockfile needs only the folder (the lock is a `<file>.lock` dir),
  // so a file that does not exist yet can be locked without creating an empty one.
  const lockfile = await loadProperLockfile();
  const release = await inFolderMadeOnDemand(file, () => lockfile.lock(file, LOCK_OPTIONS));
  try {
    return await fn();
  } finally {
    await release().catch(() => undefined); // a compromised lock is already gone; nothing to undo
  }
}
