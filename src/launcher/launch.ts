/**
 * Starts one of the bundles in `dist/bin/` (the command, or a worker) with a V8 code cache.
 *
 * Every ductor start runs four or more Node processes on what is often a 2-core machine, and a
 * good part of each one's start is V8 compiling the same megabyte of bundled code. Node 20 has no
 * compile cache of its own for this (module.enableCompileCache arrived in Node 22), so the bundle
 * is compiled here with vm.Script: with the cached data of an earlier start when there is one,
 * and otherwise compiled normally and its code cache saved once the process has done its start-up
 * work (so the cache holds the functions that start-up runs, not only the top level).
 *
 * The cache lives under the user's cache folder, one file per bundle, named after the bundle's
 * size and modification time (a rebuilt bundle never meets an old cache) and the Node version.
 * V8 checks the data itself as well and rejects what does not fit; a rejected or unreadable
 * cache only costs a normal compile. `DUCTOR_NO_CODE_CACHE=1` turns all of this off.
 *
 * Built as its own small CommonJS file: it must not pull in any of ductor's code.
 */
import { mkdirSync, readdirSync, readFileSync, renameSync, statSync, unlinkSync, writeFileSync } from 'node:fs';
import Module from 'node:module';
import { homedir } from 'node:os';
import { basename, dirname, join } from 'node:path';
import { Script } from 'node:vm';

/** The global the bundle calls when its start-up is over (the same key as shared/startup-done.ts). */
const STARTUP_DONE = Symbol.for('ductor.startupDone');

type ModuleInternals = typeof Module & { _nodeModulePaths(dir: string): string[] };

/** Runs `dist/bin/<name>.js` as the main module of this process. */
export function runBundle(name: string, hostImport: (specifier: string) => Promise<unknown>): void {
  const file = join(__dirname, `${name}.js`);
  // The build wrapped the bundle in the CommonJS function itself (scripts/bundle.mjs), so the
  // file's text is compiled as it is: no second copy of a megabyte string for the wrapper.
  const source = readFileSync(file, 'utf8');
  const cacheFile = process.env.DUCTOR_NO_CODE_CACHE === '1' ? null : cacheFileFor(file);
  const cached = cacheFile ? readOrNull(cacheFile) : null;
  const script = new Script(source, { filename: file, ...(cached ? { cachedData: cached } : {}) });
  if (cacheFile && (!cached || script.cachedDataRejected)) saveWhenStarted(script, cacheFile);

  const mod = new Module(file) as Module & { filename: string; paths: string[]; loaded: boolean };
  mod.filename = file;
  mod.paths = (Module as ModuleInternals)._nodeModulePaths(dirname(file));
  // `require.main === module` and process.mainModule behave as when Node runs the file itself.
  (process as { mainModule?: Module }).mainModule = mod;
  const run = script.runInThisContext() as (...args: unknown[]) => void;
  // The usual CommonJS arguments, plus an import() that resolves from this file: a script compiled
  // by vm has none of its own in Node 20 without an experimental flag, and the few packages loaded
  // at run time that are ES modules only (tinypool) need one.
  run.call(mod.exports, mod.exports, Module.createRequire(file), mod, file, dirname(file), hostImport);
  mod.loaded = true;
}

/** `<cache>/ductor/code-cache/<bundle>-<size>-<mtime>-<node version>.bin`, or null without a home. */
function cacheFileFor(file: string): string | null {
  try {
    const base = process.env.XDG_CACHE_HOME || join(homedir(), '.cache');
    const { size, mtimeMs } = statSync(file);
    return join(base, 'ductor', 'code-cache', `${basename(file, '.js')}-${size}-${Math.trunc(mtimeMs)}-${process.version}.bin`);
  } catch {
    return null;
  }
}

function readOrNull(file: string): Buffer | null {
  try {
    return readFileSync(file);
  } catch {
    return null;
  }
}

/**
 * Saves the cache once the process says its start-up is over (shared/startup-done.ts): the worker
 * runtime says so once ready, the supervisor once all workers are. A short command such as
 * `ductor status` never says it, so it cannot leave a cache of its own few functions behind.
 */
function saveWhenStarted(script: Script, cacheFile: string): void {
  (globalThis as Record<symbol, unknown>)[STARTUP_DONE] = () => {
    delete (globalThis as Record<symbol, unknown>)[STARTUP_DONE];
    try {
      writeCache(script.createCachedData(), cacheFile);
    } catch {
      // A cache is an optimisation: a read-only or full disk only means the next start compiles.
    }
  };
}

/** Atomic (temp file + rename): agent workers of the same bundle may save at the same moment. */
function writeCache(data: Buffer, cacheFile: string): void {
  const dir = dirname(cacheFile);
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const temp = `${cacheFile}.${process.pid}.tmp`;
  writeFileSync(temp, data, { mode: 0o600 });
  renameSync(temp, cacheFile);
  // Caches of older builds of the same bundle are dead weight now.
  const prefix = `${basename(cacheFile).split('-').slice(0, -3).join('-')}-`;
  for (const entry of readdirSync(dir)) {
    if (entry.startsWith(prefix) && entry !== basename(cacheFile) && !entry.endsWith('.tmp')) {
      try {
        unlinkSync(join(dir, entry));
      } catch {
        // Another process removed it first.
      }
    }
  }
}
