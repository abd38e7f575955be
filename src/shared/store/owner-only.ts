/**
 * Files and folders that hold message text or secrets are readable by their owner only, whatever
 * the umask of the process that made them: folders 0700, files 0600.
 */
import { chmod, mkdir } from 'node:fs/promises';
import { chmodSync, mkdirSync } from 'node:fs';

export const OWNER_ONLY_FILE = 0o600;
export const OWNER_ONLY_FOLDER = 0o700;

/** Creates the folder (and missing parents) 0700, and makes an existing one 0700. */
export async function ownerOnlyFolder(dir: string): Promise<void> {
  await mkdir(dir, { recursive: true, mode: OWNER_ONLY_FOLDER });
  await chmod(dir, OWNER_ONLY_FOLDER);
}

export function ownerOnlyFolderSync(dir: string): void {
  mkdirSync(dir, { recursive: true, mode: OWNER_ONLY_FOLDER });
  chmodSync(dir, OWNER_ONLY_FOLDER);
}
