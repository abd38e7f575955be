/**
 * Runs a file operation and, only when it fails because the folder is missing, creates the folder
 * and tries once more. State writes and locks sit on the path of every message, and their folder
 * nearly always exists: an mkdir first would cost each one more round trip through libuv's pool.
 */
import { mkdir } from 'node:fs/promises';
import { dirname } from 'node:path';

export async function inFolderMadeOnDemand<T>(file: string, attempt: () => Promise<T>): Promise<T> {
  try {
    return await attempt();
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
    await mkdir(dirname(file), { recursive: true });
    return attempt();
  }
}
