/**
 * Copies IndexedDB databases out of and back into an IndexedDB implementation, through the
 * standard API only: every object store with its key path, key generator flag and indexes, and
 * every record with its primary key. Used to keep the Matrix crypto store (which the Rust crypto
 * writes to IndexedDB) on disk, since Node has no IndexedDB of its own.
 */
import * as z from 'zod/mini';
import '../../../shared/zod-english.js';

// The few parts of the IndexedDB API used here (the project compiles without the DOM typings).
type KeyPath = string | string[] | null;
type IdbRequest<T> = { result: T; error: unknown; onsuccess: (() => void) | null; onerror: (() => void) | null };
type IdbIndex = { name: string; keyPath: string | string[]; unique: boolean; multiEntry: boolean };
type IdbCursor = { primaryKey: unknown; value: unknown; continue(): void };
type IdbObjectStore = {
  name: string;
  keyPath: KeyPath;
  autoIncrement: boolean;
  indexNames: ArrayLike<string>;
  index(name: string): IdbIndex;
  openCursor(): IdbRequest<IdbCursor | null>;
  put(value: unknown, key?: unknown): IdbRequest<unknown>;
  createIndex(name: string, keyPath: string | string[], options: { unique: boolean; multiEntry: boolean }): void;
};
type IdbTransaction = {
  objectStore(name: string): IdbObjectStore;
  oncomplete: (() => void) | null;
  onerror: (() => void) | null;
  onabort: (() => void) | null;
  error: unknown;
};
export type IdbDatabase = {
  name: string;
  version: number;
  objectStoreNames: ArrayLike<string>;
  transaction(names: string[], mode: 'readonly' | 'readwrite'): IdbTransaction;
  createObjectStore(name: string, options: { keyPath?: string | string[]; autoIncrement: boolean }): IdbObjectStore;
  close(): void;
};
type IdbOpenRequest = IdbRequest<IdbDatabase> & {
  onupgradeneeded: (() => void) | null;
  onblocked: (() => void) | null;
  transaction: IdbTransaction | null;
};
export type IdbFactory = {
  open(name: string, version?: number): IdbOpenRequest;
  deleteDatabase(name: string): IdbRequest<unknown>;
  databases(): Promise<Array<{ name?: string; version?: number }>>;
};

const KeyPathSchema = z.nullable(z.union([z.string(), z.array(z.string())]));

const StoreSchema = z.object({
  name: z.string(),
  keyPath: KeyPathSchema,
  autoIncrement: z.boolean(),
  indexes: z.array(z.object({ name: z.string(), keyPath: z.union([z.string(), z.array(z.string())]), unique: z.boolean(), multiEntry: z.boolean() })),
  // Keys and values are whatever the database holds (structured-clone data); IndexedDB checks them on restore.
  records: z.array(z.tuple([z.unknown(), z.unknown()])),
});

const DatabaseSchema = z.object({
  /** The database's name without the prefix, so a moved home still finds its databases. */
  suffix: z.string(),
  version: z.number().check(z.int(), z.minimum(1)),
  stores: z.array(StoreSchema),
});

export const SnapshotSchema = z.object({
  format: z.literal('ductor-indexeddb-snapshot'),
  version: z.literal(1),
  databases: z.array(DatabaseSchema),
});

export type Snapshot = z.output<typeof SnapshotSchema>;

function request<T>(req: IdbRequest<T>): Promise<T> {
  return new Promise((resolve, reject) => {
    req.onsuccess = () => resolve(req.result);
    req.onerror = () => reject(req.error instanceof Error ? req.error : new Error(String(req.error)));
  });
}

function transactionDone(tx: IdbTransaction): Promise<void> {
  return new Promise((resolve, reject) => {
    tx.oncomplete = () => resolve();
    tx.onerror = () => reject(tx.error instanceof Error ? tx.error : new Error(String(tx.error)));
    tx.onabort = () => reject(tx.error instanceof Error ? tx.error : new Error('transaction aborted'));
  });
}

function openExisting(factory: IdbFactory, name: string): Promise<IdbDatabase> {
  return request(factory.open(name));
}

/** Names of the databases that start with `prefix`. */
export async function databasesWithPrefix(factory: IdbFactory, prefix: string): Promise<string[]> {
  return (await factory.databases()).map((d) => d.name ?? '').filter((name) => name.startsWith(prefix));
}

/** Every database whose name starts with `prefix`, read in one read-only transaction per database. */
export async function takeSnapshot(factory: IdbFactory, prefix: string): Promise<Snapshot> {
  const databases: Snapshot['databases'] = [];
  for (const name of await databasesWithPrefix(factory, prefix)) {
    const db = await openExisting(factory, name);
    try {
      const storeNames = Array.from(db.objectStoreNames);
      const stores: Snapshot['databases'][number]['stores'] = [];
      if (storeNames.length > 0) {
        // One transaction over all stores: the copy is consistent across them.
        const tx = db.transaction(storeNames, 'readonly');
        const done = transactionDone(tx);
        for (const storeName of storeNames) {
          const store = tx.objectStore(storeName);
          const indexes = Array.from(store.indexNames).map((indexName) => {
            const index = store.index(indexName);
            return { name: index.name, keyPath: index.keyPath, unique: index.unique, multiEntry: index.multiEntry };
          });
          const records: Array<[unknown, unknown]> = [];
          stores.push({ name: storeName, keyPath: store.keyPath, autoIncrement: store.autoIncrement, indexes, records });
          const cursorRequest = store.openCursor();
          cursorRequest.onsuccess = () => {
            const cursor = cursorRequest.result;
            if (!cursor) return;
            records.push([cursor.primaryKey, cursor.value]);
            cursor.continue();
          };
        }
        await done;
      }
      databases.push({ suffix: name.slice(prefix.length), version: db.version, stores });
    } finally {
      db.close();
    }
  }
  return { format: 'ductor-indexeddb-snapshot', version: 1, databases };
}

/**
 * Creates the snapshot's databases under `prefix` (stores, indexes, records) in one upgrade
 * transaction each. Databases of that name must not exist yet (the caller deletes them first).
 */
export async function restoreSnapshot(factory: IdbFactory, prefix: string, snapshot: Snapshot): Promise<void> {
  for (const database of snapshot.databases) {
    const open = factory.open(`${prefix}${database.suffix}`, database.version);
    let failure: Error | null = null;
    open.onupgradeneeded = () => {
      const db = open.result;
      try {
        for (const spec of database.stores) {
          const store = db.createObjectStore(spec.name, { ...(spec.keyPath === null ? {} : { keyPath: spec.keyPath }), autoIncrement: spec.autoIncrement });
          for (const index of spec.indexes) store.createIndex(index.name, index.keyPath, { unique: index.unique, multiEntry: index.multiEntry });
          // Stores with a key path take the key from the value; the others need it given.
          for (const [key, value] of spec.records) store.put(value, spec.keyPath === null ? key : undefined);
        }
      } catch (error) {
        failure = error as Error;
        throw error;
      }
    };
    let db: IdbDatabase;
    try {
      db = await request(open);
    } catch (error) {
      throw failure ?? error;
    }
    db.close();
  }
}

/** Deletes every database whose name starts with `prefix`. */
export async function deleteDatabases(factory: IdbFactory, prefix: string): Promise<void> {
  for (const name of await databasesWithPrefix(factory, prefix)) await request(factory.deleteDatabase(name));
}
