/**
 * Environment settings meant for a worker's own process, never for the CLIs and tools it spawns.
 * A module of plain functions: fork-worker.ts uses it before the supervisor loads anything heavy.
 *
 * - NODE_EXTRA_CA_CERTS: Node reads that file into every process as it starts (about 1.1 MiB of
 *   malloc'd certificates per process with Debian's full bundle, measured on an idle agent), yet
 *   only the transport opens TLS connections. The other workers get the value under another name
 *   and put it back into `process.env` first thing, so what they spawn trusts the same CAs.
 * - MALLOC_MMAP_THRESHOLD_: glibc serves every allocation below a threshold that grows up to
 *   32 MiB from its main heap, where the compiler's freed scratch memory stays resident between
 *   live blocks. A fixed 32 KiB threshold hands larger blocks back to the system when freed: an
 *   idle agent worker's private memory fell by ~0.85 MiB (bench/foundation.ts). Only set when the
 *   user has not chosen a value, and taken out again for the children. Other C libraries ignore it.
 */
import { WORKER_ENV } from './env-names.js';

const CA_CERTS = 'NODE_EXTRA_CA_CERTS';
const MMAP_THRESHOLD = 'MALLOC_MMAP_THRESHOLD_';
export const WORKER_MMAP_THRESHOLD_BYTES = '32768';

/** The environment a worker is forked with; `opensTls` keeps NODE_EXTRA_CA_CERTS loaded. */
export function workerProcessEnv(env: NodeJS.ProcessEnv, opensTls: boolean): NodeJS.ProcessEnv {
  const out = { ...env };
  if (!opensTls && out[CA_CERTS] !== undefined) {
    out[WORKER_ENV.extraCaCerts] = out[CA_CERTS];
    delete out[CA_CERTS];
  }
  if (out[MMAP_THRESHOLD] === undefined) {
    out[MMAP_THRESHOLD] = WORKER_MMAP_THRESHOLD_BYTES;
    out[WORKER_ENV.ownMallocSetting] = '1';
  }
  return out;
}

/** Gives the processes this worker spawns the environment the user started ductor with. */
export function restoreChildEnv(env: NodeJS.ProcessEnv = process.env): void {
  const caCerts = env[WORKER_ENV.extraCaCerts];
  if (caCerts !== undefined) {
    delete env[WORKER_ENV.extraCaCerts];
    env[CA_CERTS] = caCerts;
  }
  if (env[WORKER_ENV.ownMallocSetting] === '1') {
    delete env[WORKER_ENV.ownMallocSetting];
    delete env[MMAP_THRESHOLD];
  }
}
