/**
 * The Matrix end-to-end encryption keys of one account, kept on disk in
 * `<store>/crypto_store.bin` (0600, folder 0700). The SDK's Rust crypto stores its keys in
 * IndexedDB, which Node lacks; an in-memory IndexedDB (fake-indexeddb) stands in, filled from the
 * file before the crypto starts and written back after every change (debounced), before every
 * upload of keys to the homeserver, and at stop. Without this a restart would make new identity
 * keys for a device the homeserver already knows, which servers refuse.
 *
 * The file is a v8-serialised copy of the account's databases (idb-snapshot.ts), checked against
 * its schema on load. A file that cannot be read is kept aside (renamed with a `.corrupt-<time>`
 * suffix) and reported, never overwritten.
 */
import { createHash } from 'node:crypto';
import { readFile, rename } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { deserialize, serialize } from 'node:v8';
import { StateFileError } from '../../../shared/errors.js';
import { writeFileAtomic } from '../../../shared/store/atomic-write.js';
import { ownerOnlyFolder, OWNER_ONLY_FILE } from '../../../shared/store/owner-only.js';
import { SerialWrites } from '../../../shared/store/serial-writes.js';
import { databasesWithPrefix, restoreSnapshot, SnapshotSchema, takeSnapshot, type IdbDatabase, type IdbFactory } from './idb-snapshot.js';

/** How long writes may pile up before the file is rewritten: one sync's key changes become one write. */
const FLUSH_DELAY_MS = 300;

export type CorruptCryptoStore = { file: string; movedTo: string; reason: string };

export type CryptoStoreOptions = {
  /** The account's Matrix state folder (credentials.json and sync_state.json live there too). */
  storeDir: string;
  /** The IndexedDB the Rust crypto uses (the global one fake-indexeddb installs). */
  factory: IdbFactory;
  /** Its database class, whose transactions are watched for writes. */
  databaseClass: { prototype: IdbDatabase };
  onCorrupt: (report: CorruptCryptoStore) => void;
  onFlushError: (error: unknown) => void;
};

export function cryptoStoreFile(storeDir: string): string {
  return join(storeDir, 'crypto_store.bin');
}

/** Databases of each open store, by name prefix; one hook on the database class serves them all. */
const writers = new Map<string, () => void>();
let hooked = false;

function watchWrites(databaseClass: { prototype: IdbDatabase }): void {
  if (hooked) return;
  hooked = true;
  type Transaction = { addEventListener(type: string, listener: () => void): void };
  const proto = databaseClass.prototype as unknown as { name: string; transaction: (...args: unknown[]) => Transaction };
  const original = proto.transaction;
  proto.transaction = function transaction(this: { name: string }, ...args: unknown[]) {
    const tx = original.apply(this, args);
    const mode = args[1];
    if (mode === 'readwrite') {
      for (const [prefix, changed] of writers) {
        if (this.name.startsWith(prefix)) tx.addEventListener('complete', changed);
      }
    }
    return tx;
  };
}

export class CryptoStore {
  private readonly writes = new SerialWrites();
  private timer: NodeJS.Timeout | null = null;
  private closed = false;

  private constructor(
    private readonly options: CryptoStoreOptions,
    /** Names of this account's databases start with it (the Rust crypto's `cryptoDatabasePrefix`). */
    readonly prefix: string,
    /** False when the account starts without stored keys (first start, or the file was kept aside). */
    readonly restored: boolean,
  ) {}

  get file(): string {
    return cryptoStoreFile(this.options.storeDir);
  }

  /**
   * Loads the file into the in-memory IndexedDB (unless this process already holds the account's
   * databases from an earlier start of the client, which are newer than the file).
   */
  static async open(options: CryptoStoreOptions): Promise<CryptoStore> {
    await ownerOnlyFolder(options.storeDir);
    const prefix = `ductor-${createHash('sha256').update(resolve(options.storeDir)).digest('hex').slice(0, 16)}`;
    watchWrites(options.databaseClass);
    let restored = (await databasesWithPrefix(options.factory, prefix)).length > 0;
    if (!restored) restored = await CryptoStore.load(options, prefix);
    const store = new CryptoStore(options, prefix, restored);
    writers.set(prefix, () => store.changed());
    return store;
  }

  private static async load(options: CryptoStoreOptions, prefix: string): Promise<boolean> {
    const file = cryptoStoreFile(options.storeDir);
    let raw: Buffer;
    try {
      raw = await readFile(file);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return false;
      throw error;
    }
    let reason: string;
    try {
      const parsed = SnapshotSchema.safeParse(deserialize(raw));
      if (parsed.success) {
        await restoreSnapshot(options.factory, prefix, parsed.data);
        return true;
      }
      const first = parsed.error.issues[0];
      reason = `"${first && first.path.length > 0 ? first.path.join('.') : '(root)'}": ${first?.message ?? 'does not match the expected shape'}`;
    } catch (error) {
      reason = (error as Error).message;
    }
    const movedTo = `${file}.corrupt-${new Date().toISOString().replace(/[:.]/g, '-')}`;
    try {
      await rename(file, movedTo);
    } catch (error) {
      // Starting empty would overwrite the file at the first write: refuse instead.
      throw new StateFileError(file, null, `${file} is invalid (${reason}) and could not be moved aside`, { cause: error });
    }
    options.onCorrupt({ file, movedTo, reason });
    return false;
  }

  /** A write transaction completed: rewrite the file soon. */
  changed(): void {
    if (this.timer || this.closed) return;
    this.timer = setTimeout(() => {
      this.timer = null;
      this.flush().catch((error: unknown) => this.options.onFlushError(error));
    }, FLUSH_DELAY_MS);
    this.timer.unref();
  }

  /** Writes the current keys to the file now (always, whether or not a change was seen). */
  flush(): Promise<void> {
    return this.writes.run(async () => {
      const snapshot = await takeSnapshot(this.options.factory, this.prefix);
      await writeFileAtomic(this.file, serialize(snapshot), { mode: OWNER_ONLY_FILE });
    });
  }

  /** Final write; the client using the databases has stopped. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    writers.delete(this.prefix);
    await this.flush();
  }
}
