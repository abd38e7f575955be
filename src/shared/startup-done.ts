/**
 * Tells the launcher (src/launcher/launch.ts) that this process has finished starting, so it can
 * save the code cache of everything start-up compiled. Does nothing when run from the sources.
 */
const STARTUP_DONE = Symbol.for('ductor.startupDone');

export function startupDone(): void {
  const done = (globalThis as Record<symbol, unknown>)[STARTUP_DONE];
  if (typeof done === 'function') done();
}
