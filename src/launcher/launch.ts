/**
 * Starts one of the bundles in `dist/bin/` (the command, or a worker) as a plain CommonJS module.
 *
 * Every ductor start runs four or more Node processes, and part of each one's start is V8
 * compiling the same megabyte of bundled code. Where Node has a compile cache of its own
 * (`module.enableCompileCache`, Node 22.1 and later) it is turned on here, before the bundle loads,
 * in `<cache>/ductor/compile-cache` (`$XDG_CACHE_HOME` or `~/.cache`); Node checks and refreshes
 * it itself. Node 20 has none that a public API offers, so there every start compiles.
 * `DUCTOR_NO_CODE_CACHE=1` turns the cache off.
 *
 * Built as its own small CommonJS file: it must not pull in any of ductor's code.
 */
import Module from 'node:module';
import { homedir } from 'node:os';
import { join } from 'node:path';

type CompileCacheApi = { enableCompileCache?: (directory?: string) => unknown };

/** Runs `dist/bin/<name>.js`. */
export function runBundle(name: string): void {
  if (process.env.DUCTOR_NO_CODE_CACHE !== '1') enableCompileCache();
  // A computed path: esbuild leaves the require to Node, which loads the bundle beside this file.
  const bundle = join(__dirname, `${name}.js`);
  require(bundle);
}

function enableCompileCache(): void {
  const api = Module as unknown as CompileCacheApi;
  if (typeof api.enableCompileCache !== 'function') return;
  const base = process.env.XDG_CACHE_HOME || join(homedir(), '.cache');
  try {
    api.enableCompileCache(join(base, 'ductor', 'compile-cache'));
  } catch {
    // A cache is an optimisation: an unwritable folder only means every start compiles.
  }
}
