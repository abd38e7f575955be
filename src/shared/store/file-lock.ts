/** Cross-process locks on state files (proper-lockfile), for files two processes may write. */
import { mkdir } from 'node:fs/promises';
import { dirname } from 'node:path';
import lockfile from 'proper-lockfile';

/** A lock older than this without a refresh is considered abandoned by a dead process. */
const STALE_MS = 10_000;

/**
 * Runs `fn` while holding the lock of `file` (a `<file>.lock` folder beside it). Waits for a
 * busy lock with short retries (about 5 s in all) and fails with ELOCKED after that.
 */
export async function withFileLock<T>(file: string, fn: () => Promise<T>): Promise<T> {
  // With realpath off, proper-lockfile needs only the folder (the lock is a `<file>.lock` dir),
  // so a file that does not exist yet can be locked without creating an empty one.
  await mkdir(dirname(file), { recursive: true });
  const release = await lockfile.lock(file, {
    stale: STALE_MS,
    realpath: false,
    retries: { retries: 50, minTimeout: 20, maxTimeout: 200, factor: 1.5 },
  });
  try {
    return await fn();
  } finally {
    await release().catch(() => undefined); // a compromised lock is already gone; nothing to undo
  }
}
