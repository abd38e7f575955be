/**
 * What the supervisor forks for each worker (dist/bin/launch.js <bundle>): runs that worker's
 * bundle (see launch.ts), as if Node had been given the bundle itself.
 */
import { runBundle } from './launch.js';

const WORKER_BUNDLES = new Set(['transport-worker', 'scheduler-worker', 'agent-worker']);

const name = process.argv[2] ?? '';
if (!WORKER_BUNDLES.has(name)) {
  process.stderr.write(`ductor launch: unknown worker bundle "${name}"\n`);
  process.exit(2);
}
process.argv.splice(2, 1);
runBundle(name);
