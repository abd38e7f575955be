/** The `ductor` command's entry (dist/bin/ductor.js): runs the command's bundle (see launch.ts). */
import { setFlagsFromString } from 'node:v8';
import { runBundle } from './launch.js';

/*
 * The supervisor is this process, started by a plain `node` without the workers' V8 flags
 * (supervisor/worker-specs.ts); these two still take effect once the process runs:
 * - a young-generation growth factor of 1 keeps the new space at its first size (1 MiB per
 *   semi-space, as the workers' --max-semi-space-size=1): V8 doubled it during start-up and an
 *   idle supervisor kept 4160 KiB of new space, now 2048 KiB;
 * - --no-sparkplug, as in the workers: the baseline compiler's machine code stayed (code space
 *   635 KiB used, now 90 KiB).
 * Idle supervisor USS 20.2-24.8 MiB before, 18.3-19.3 after in most runs (Node 24, bench/multiagent.ts
 * settings; a start-up malloc peak sometimes leaves ~4 MiB more in glibc's heap either way).
 * Start-up time: `ductor help` took 555/529 ms with them and 527/538 ms without (medians of 15,
 * two rounds), within the noise of a loaded machine.
 */
setFlagsFromString('--semi-space-growth-factor=1');
setFlagsFromString('--no-sparkplug');

runBundle('cli');
