/** Atomic file writes: temp file in the same folder, fsync, rename. Readers never see half a file. */
import { open, rename, unlink, stat } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { inFolderMadeOnDemand } from './folder-on-demand.js';
import { OWNER_ONLY_FILE } from './owner-only.js';

/** Makes each temp name of this process unique; the pid separates processes. */
let tempCounter = 0;

/**
 * Writes `data` to `file` so that a crash leaves either the old or the new content, never a mix.
 * The temp file sits beside the target (same filesystem, so rename is atomic) and is fsynced
 * before the rename; the folder is created (0700) when missing.
 *
 * Modes, whatever the umask: a rewrite keeps the file's mode; a new file gets `mode`, default
 * 0600 (state files hold message text, prompts and tokens). `ownerOnly` is for files holding
 * secrets: a new file gets 0600 and an existing one keeps only its owner's bits (a config made
 * 0644 by hand loses group and other access on the next save).
 */
export async function writeFileAtomic(
  file: string,
  data: string | Uint8Array,
  options: { mode?: number; ownerOnly?: boolean } = {},
): Promise<void> {
  const dir = dirname(file);
  const existing = await stat(file).then((s) => s.mode & 0o7777, () => null);
  const mode = options.ownerOnly
    ? (existing === null ? OWNER_ONLY_FILE : existing & 0o700)
    : (existing ?? options.mode ?? OWNER_ONLY_FILE);
  const temp = join(dir, `.${basename(file)}.${process.pid}.${++tempCounter}.tmp`);
  const handle = await inFolderMadeOnDemand(temp, () => open(temp, 'w', mode));
  try {
    // open() applies the umask to `mode`; the file gets exactly `mode`.
    await handle.chmod(mode);
    await handle.writeFile(data);
    await handle.sync();
  } catch (error) {
    await handle.close();
    await unlink(temp).catch(() => undefined); // the write already failed; the temp file is litter
    throw error;
  }
  await handle.close();
  try {
    await rename(temp, file);
  } catch (error) {
    await unlink(temp).catch(() => undefined); // rename failed; keep the old file, drop the temp
    throw error;
  }
}
