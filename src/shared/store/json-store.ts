/**
 * The one way state files are read and written: zod validation on read, atomic writes, an
 * optional cross-process lock, and quarantine of files that fail validation.
 */
import { readFile, rename } from 'node:fs/promises';
import type * as z from 'zod/mini';
import { StateFileError } from '../errors.js';
import { writeFileAtomic } from './atomic-write.js';
import { withFileLock, withProcessTurn } from './file-lock.js';

export type CorruptReport = { file: string; movedTo: string; reason: string };

export type JsonStoreOptions<S extends z.ZodMiniType> = {
  file: string;
  schema: S;
  /** Value used when the file is missing or empty (and after a corrupt file was moved aside). */
  empty: () => z.output<S>;
  /** Lock across processes on every read-modify-write (set when two processes may write). */
  shared?: boolean;
  /** Called when a corrupt file was moved aside; the store then starts from `empty()`. */
  onCorrupt?: (report: CorruptReport) => void;
};

export class JsonStore<S extends z.ZodMiniType> {
  constructor(private readonly options: JsonStoreOptions<S>) {}

  get file(): string {
    return this.options.file;
  }

  /** Reads and validates the file. Missing or empty → `empty()`; invalid → moved aside, reported, `empty()`. */
  async read(): Promise<z.output<S>> {
    let text: string;
    try {
      text = await readFile(this.options.file, 'utf8');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return this.options.empty();
      throw error;
    }
    if (text.trim() === '') return this.options.empty();
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch (error) {
      return this.quarantine(`invalid JSON: ${(error as Error).message}`);
    }
    const result = this.options.schema.safeParse(parsed);
    if (!result.success) {
      const first = result.error.issues[0];
      const where = first && first.path.length > 0 ? first.path.join('.') : '(root)';
      return this.quarantine(`"${where}": ${first?.message ?? 'does not match the expected shape'}`);
    }
    return result.data;
  }

  /** Validates `value` and writes it atomically. */
  async write(value: z.output<S>): Promise<void> {
    const checked = this.options.schema.parse(value);
    await writeFileAtomic(this.options.file, `${JSON.stringify(checked, null, 2)}\n`);
  }

  /** Read-modify-write: one at a time in this process, and under the cross-process lock when the store is shared. */
  async update(change: (current: z.output<S>) => z.output<S> | Promise<z.output<S>>): Promise<z.output<S>> {
    const run = async () => {
      const next = await change(await this.read());
      await this.write(next);
      return next;
    };
    return this.options.shared ? withFileLock(this.options.file, run) : withProcessTurn(this.options.file, run);
  }

  private async quarantine(reason: string): Promise<z.output<S>> {
    const stamp = new Date().toISOString().replace(/[:.]/g, '-');
    const movedTo = `${this.options.file}.corrupt-${stamp}`;
    try {
      await rename(this.options.file, movedTo);
    } catch (error) {
      // If the bad file cannot be moved, starting empty would overwrite it later: refuse instead.
      throw new StateFileError(
        this.options.file,
        null,
        `${this.options.file} is invalid (${reason}) and could not be moved aside`,
        { cause: error },
      );
    }
    this.options.onCorrupt?.({ file: this.options.file, movedTo, reason });
    return this.options.empty();
  }
}
