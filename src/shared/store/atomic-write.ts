/** Atomic file writes: temp file in the same folder, fsync, rename. Readers never see half a file. */
import { open, rename, unlink, stat } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { inFolderMadeOnDemand } from './folder-on-demand.js';

/** Makes each temp name of this process unique; the pid separates processes. */
let tempCounter = 0;

/**
 * Writes `data` to `file` so that a crash leaves either the old or the new content, never a mix.
 * The temp file sits beside the target (same filesystem, so rename is atomic) and is fsynced
 * before the rename; the folder is created when missing. `mode` applies to new files (default 0o644).
 * `ownerOnly` is for files holding secrets: a new file gets 0600 and an existing one keeps only its
 * owner's bits (a config made 0644 by hand loses group and other access on the next save).
 */
export async function writeFileAtomic(
  file: string,
  data: string | Uint8Array,
  options: { mode?: number; ownerOnly?: boolean } = {},
): Promise<void> {
  const dir = dirname(file);
  const mode = options.ownerOnly
    ? await stat(file).then((s) => s.mode & 0o700, () => 0o600)
    : (options.mode ?? 0o644);
  const temp = join(dir, `.${basename(file)}.${process.pid}.${++tempCounter}.tmp`);
  const handle = await inFolderMadeOnDemand(temp, () => open(temp, 'w', mode));
  try {
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
