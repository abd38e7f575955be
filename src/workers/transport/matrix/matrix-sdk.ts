/**
 * matrix-js-sdk as one module. The production build makes it a bundle of its own
 * (dist/bin/matrix-sdk.mjs, a megabyte of code) that matrix-client.ts loads when a Matrix account
 * starts, so a Telegram-only transport neither loads nor keeps its source. The Rust crypto's
 * WebAssembly package stays a real package in node_modules (it finds its .wasm file beside itself).
 *
 * Node has no IndexedDB; the Rust crypto keeps its keys in one, so an in-memory IndexedDB is
 * installed as the global one (the crypto checks its objects against the global IDB classes),
 * and crypto-store.ts keeps its contents on disk.
 */
import 'fake-indexeddb/auto';
import { logger } from 'matrix-js-sdk/lib/logger.js';

// The SDK logs every sync at info level through loglevel; our own log says what matters. The
// exported logger is a loglevel logger; its typings only name the log methods.
(logger as unknown as { setLevel?: (level: string, persist?: boolean) => void }).setLevel?.('warn', false);

export * from 'matrix-js-sdk';
export { CryptoStore, cryptoStoreFile } from './crypto-store.js';
