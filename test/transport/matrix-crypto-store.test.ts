/**
 * The Matrix crypto key store on disk: an in-memory IndexedDB copied to <store>/crypto_store.bin
 * and back. Each "process" here is a fresh fake-indexeddb factory, as a restart would have.
 */
import assert from 'node:assert/strict';
import { readdir, readFile, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { test } from 'node:test';
import { serialize } from 'node:v8';
import { IDBDatabase, IDBFactory } from 'fake-indexeddb';
import { CryptoStore, cryptoStoreFile, type CorruptCryptoStore } from '../../src/workers/transport/matrix/crypto-store.js';
import { takeSnapshot, type IdbDatabase, type IdbFactory } from '../../src/workers/transport/matrix/idb-snapshot.js';
import { tmpHome } from '../helpers/tmp-home.js';
import { waitFor } from '../helpers/wait-for.js';

type UpgradeRequest = {
  result: { createObjectStore(name: string, options: object): { createIndex(name: string, keyPath: string, options: object): void; put(value: unknown, key?: unknown): void }; close(): void };
  error: unknown;
  onupgradeneeded: (() => void) | null;
  onsuccess: (() => void) | null;
  onerror: (() => void) | null;
};

function newFactory(): IdbFactory {
  return new (IDBFactory as unknown as new () => IdbFactory)();
}

function openStore(storeDir: string, factory: IdbFactory, corrupt: CorruptCryptoStore[] = []) {
  return CryptoStore.open({
    storeDir,
    factory,
    databaseClass: IDBDatabase as unknown as { prototype: IdbDatabase },
    onCorrupt: (report) => corrupt.push(report),
    onFlushError: (error) => assert.fail(String(error)),
  });
}

/** A database like the Rust crypto's: a store with a key path and an index, one with out-of-line binary keys. */
function fill(factory: IdbFactory, name: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const open = factory.open(name, 7) as unknown as UpgradeRequest;
    open.onupgradeneeded = () => {
      const db = open.result;
      const sessions = db.createObjectStore('sessions', { keyPath: 'id', autoIncrement: false });
      sessions.createIndex('by_sender', 'sender', { unique: false, multiEntry: false });
      sessions.put({ id: 's1', sender: 'curve1', pickle: new Uint8Array([1, 2, 3]) });
      const core = db.createObjectStore('core', { autoIncrement: false });
      core.put({ account: 'pickled', when: new Date(0) }, 'account');
      core.put(new Uint8Array([9, 9]), new Uint8Array([7]).buffer);
    };
    open.onsuccess = () => {
      open.result.close();
      resolve();
    };
    open.onerror = () => reject(new Error(String(open.error)));
  });
}

function write(factory: IdbFactory, name: string, store: string, value: unknown, key?: unknown): Promise<void> {
  return new Promise((resolve, reject) => {
    const open = factory.open(name);
    open.onsuccess = () => {
      const db = open.result;
      const tx = db.transaction([store], 'readwrite');
      tx.objectStore(store).put(value, key);
      tx.oncomplete = () => {
        db.close();
        resolve();
      };
      tx.onerror = () => reject(new Error(String(tx.error)));
    };
  });
}

test('the databases survive a restart: stores, key paths, indexes and binary records come back from crypto_store.bin', async (t) => {
  const storeDir = join(await tmpHome(t), 'matrix_store');
  const first = newFactory();
  const store = await openStore(storeDir, first);
  assert.equal(store.restored, false, 'nothing stored yet');
  await fill(first, `${store.prefix}::matrix-sdk-crypto`);
  await fill(first, 'someone-else::matrix-sdk-crypto');
  await store.close();
  const before = await takeSnapshot(first, store.prefix);

  const second = newFactory();
  const again = await openStore(storeDir, second);
  assert.equal(again.restored, true);
  assert.equal(again.prefix, store.prefix, 'the same folder, the same database names');
  assert.deepEqual(await takeSnapshot(second, again.prefix), before);
  assert.equal(before.databases.length, 1, 'only this account’s databases are kept');
  assert.equal(before.databases[0]!.version, 7);
  assert.deepEqual(before.databases[0]!.stores.find((s) => s.name === 'sessions')!.indexes, [{ name: 'by_sender', keyPath: 'sender', unique: false, multiEntry: false }]);
  await again.close();
});

test('the file is owner-only in an owner-only folder, and a write transaction is saved without an explicit flush', async (t) => {
  const storeDir = join(await tmpHome(t), 'matrix_store');
  const factory = newFactory();
  const store = await openStore(storeDir, factory);
  const name = `${store.prefix}::matrix-sdk-crypto`;
  await fill(factory, name);
  await store.flush();
  assert.equal((await stat(cryptoStoreFile(storeDir))).mode & 0o777, 0o600);
  assert.equal((await stat(storeDir)).mode & 0o777, 0o700);
  await write(factory, name, 'sessions', { id: 's2', sender: 'curve2', pickle: new Uint8Array([4]) });
  await waitFor(async () => (await readFile(cryptoStoreFile(storeDir))).includes(Buffer.from('curve2')), { timeoutMs: 10_000, message: 'the change reached the file' });
  await store.close();
});

test('a corrupt or foreign crypto_store.bin is kept aside as it was and reported; the store starts empty', async (t) => {
  for (const [label, content] of [['not v8 data', Buffer.from('garbage')], ['the wrong shape', serialize({ format: 'something else' })]] as const) {
    const storeDir = join(await tmpHome(t), 'matrix_store');
    const factory = newFactory();
    const first = await openStore(storeDir, factory);
    await first.close();
    await writeFile(cryptoStoreFile(storeDir), content);
    const corrupt: CorruptCryptoStore[] = [];
    const store = await openStore(storeDir, newFactory(), corrupt);
    assert.equal(store.restored, false, label);
    assert.equal(corrupt.length, 1, label);
    assert.ok((await readFile(corrupt[0]!.movedTo)).equals(content), `${label}: the bad file is kept unchanged`);
    assert.ok(corrupt[0]!.reason.length > 0);
    assert.ok((await readdir(storeDir)).every((n) => n !== 'crypto_store.bin'), `${label}: nothing was written over it`);
    await store.close();
  }
});
