/**
 * A size-rotated log file: `name.log`, then `name.log.1` … `.N` (oldest dropped). No worker thread.
 * Log lines carry message text: the file is 0600 and its folder 0700, whatever the umask.
 */
import { chmodSync, closeSync, existsSync, openSync, renameSync, statSync, unlinkSync } from 'node:fs';
import { dirname } from 'node:path';
import pino from 'pino';
import { OWNER_ONLY_FILE, ownerOnlyFolderSync } from '../store/owner-only.js';

/** Default size at which the file rotates (5 MiB, as the original). */
export const DEFAULT_MAX_BYTES = 5 * 1024 * 1024;
/** Default number of rotated files kept. */
export const DEFAULT_KEEP = 3;

export class RotatingFile {
  private readonly boom: ReturnType<typeof pino.destination>;
  private bytes: number;

  constructor(
    readonly path: string,
    private readonly maxBytes = DEFAULT_MAX_BYTES,
    private readonly keep = DEFAULT_KEEP,
  ) {
    ownerOnlyFolderSync(dirname(path));
    ownerOnlyFileSync(path);
    this.bytes = statSync(path).size;
    // Synchronous writes: log volume is low and a crashing worker must not lose its last lines.
    this.boom = pino.destination({ dest: path, append: true, sync: true, mkdir: true });
  }

  write(chunk: string): boolean {
    // The limit is in bytes on disk: a line of non-ASCII text has more bytes than characters.
    const size = Buffer.byteLength(chunk);
    if (this.bytes + size > this.maxBytes && this.bytes > 0) this.rotate();
    this.bytes += size;
    return this.boom.write(chunk);
  }

  flushSync(): void {
    this.boom.flushSync();
  }

  end(): void {
    this.boom.end();
  }

  private rotate(): void {
    const oldest = `${this.path}.${this.keep}`;
    if (existsSync(oldest)) unlinkSync(oldest);
    for (let i = this.keep - 1; i >= 1; i -= 1) {
      const from = `${this.path}.${i}`;
      if (existsSync(from)) renameSync(from, `${this.path}.${i + 1}`);
    }
    if (existsSync(this.path)) renameSync(this.path, `${this.path}.1`);
    // The fresh file exists (owner-only) before the destination opens it for appending.
    ownerOnlyFileSync(this.path);
    this.boom.reopen();
    this.bytes = 0;
  }
}

/** Creates the file 0600 when missing and makes an existing one 0600. */
function ownerOnlyFileSync(path: string): void {
  closeSync(openSync(path, 'a', OWNER_ONLY_FILE));
  chmodSync(path, OWNER_ONLY_FILE);
}
