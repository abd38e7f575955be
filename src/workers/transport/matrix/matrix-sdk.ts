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
import loglevel from 'loglevel';

// The SDK logs through loglevel straight to the console, and makes every logger it creates log at
// debug level: every sync, key request and timing would reach the terminal or the journal. The
// clients ductor creates get a logger of their own (sdk-logger.ts); the SDK's module-level loggers
// keep only warnings and errors.
type Factory = loglevel.MethodFactory;
const quiet = (factory: Factory): Factory => (methodName, level, name) =>
  methodName === 'warn' || methodName === 'error' ? factory(methodName, level, name) : () => undefined;
for (const target of [loglevel, ...Object.values(loglevel.getLoggers())]) {
  target.methodFactory = quiet(target.methodFactory);
  target.rebuild();
}

export * from 'matrix-js-sdk';
export { CryptoStore, cryptoStoreFile } from './crypto-store.js';
