/** Atomic, locked saves of config files (temp + fsync + rename under proper-lockfile). */
import { randomBytes } from 'node:crypto';
import { mkdir, open, rename, stat, unlink } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import lockfile from 'proper-lockfile';

/** A lock not refreshed for this long belongs to a dead process and may be taken over (ms). */
const LOCK_STALE_MS = 10_000;
/** Config files hold tokens: new ones are readable by their owner only. */
const NEW_FILE_MODE = 0o600;

/**
 * Writes `text` to `file` so a crash leaves the old or the new content, never a mix. An existing
 * file keeps its owner's permission bits (group and other are removed); a new one gets 0600.
 */
export async function saveTextAtomic(file: string, text: string): Promise<void> {
  const dir = dirname(file);
  await mkdir(dir, { recursive: true });
  // An existing file keeps its owner bits, but group/other access is dropped: a config made
  // 0644 by hand (or by an old version) holds the bot token too.
  const mode = await stat(file).then(
    (s) => s.mode & 0o700,
    () => NEW_FILE_MODE,
  );
  const temp = join(dir, `.${basename(file)}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`);
  const handle = await open(temp, 'w', mode);
  try {
    await handle.writeFile(text, 'utf8');
    await handle.sync();
    await handle.close();
    await rename(temp, file);
  } catch (error) {
    await handle.close().catch(() => undefined); // already closed when rename failed
    await unlink(temp).catch(() => undefined); // the temp file is litter either way
    throw error;
  }
}

/** Serialises a config object the way ductor writes it: two-space indent, trailing newline. */
export function formatConfigJson(value: unknown): string {
  return `${JSON.stringify(value, null, 2)}\n`;
}

/**
 * Runs `fn` holding the cross-process lock of `file` (`<file>.lock`, the convention every
 * ductor writer uses), waiting about 5 s for a busy lock before failing with ELOCKED.
 */
export async function withConfigLock<T>(file: string, fn: () => Promise<T>): Promise<T> {
  // With realpath off, proper-lockfile needs only the folder (the lock is a `<file>.lock` dir),
  // so a config that does not exist yet can be locked without creating an empty file.
  await mkdir(dirname(file), { recursive: true });
  const release = await lockfile.lock(file, {
    stale: LOCK_STALE_MS,
    realpath: false,
    retries: { retries: 50, minTimeout: 20, maxTimeout: 200, factor: 1.5 },
  });
  try {
    return await fn();
  } finally {
    await release().catch(() => undefined); // a lock reported compromised is already gone
  }
}
