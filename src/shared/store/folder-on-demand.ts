/**
 * Runs a file operation and, only when it fails because the folder is missing, creates the folder
 * and tries once more. State writes and locks sit on the path of every message, and their folder
 * nearly always exists: an mkdir first would cost each one more round trip through libuv's pool.
 * A folder made here is 0700 (it holds state files), whatever the umask.
 */
import { dirname } from 'node:path';
import { ownerOnlyFolder } from './owner-only.js';

export async function inFolderMadeOnDemand<T>(file: string, attempt: () => Promise<T>): Promise<T> {
  try {
    return await attempt();
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
    await ownerOnlyFolder(dirname(file));
    return attempt();
  }
}
