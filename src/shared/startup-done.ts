/**
 * Called once this process has finished starting: writes Node's compile cache (launcher/launch.ts)
 * now, so it holds what start-up compiled even if the process is later killed rather than exiting.
 * `module.flushCompileCache` exists from Node 22.10; elsewhere, or with no cache on, nothing happens.
 */
import Module from 'node:module';

export function startupDone(): void {
  const api = Module as unknown as { flushCompileCache?: () => void; getCompileCacheDir?: () => string | undefined };
  if (typeof api.flushCompileCache !== 'function' || api.getCompileCacheDir?.() === undefined) return;
  try {
    api.flushCompileCache();
  } catch {
    // Only an optimisation.
  }
}
