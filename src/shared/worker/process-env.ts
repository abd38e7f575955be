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
 * - MALLOC_ARENA_MAX: glibc gives each thread that mallocs an arena of its own, up to eight per
 *   core, and Node's V8 and libuv threads each kept a partly used one. Two arenas: an idle agent
 *   worker's private memory was 14.6 and 14.9 MiB against 15.3-15.5 without (two runs each of
 *   bench/multiagent.ts's settings, Node 24), the other workers 0.1-0.5 MiB less.
 *   Same rules as the threshold: only when the user has not chosen, not for the children.
 */
import { WORKER_ENV } from './env-names.js';

const CA_CERTS = 'NODE_EXTRA_CA_CERTS';
const MMAP_THRESHOLD = 'MALLOC_MMAP_THRESHOLD_';
const ARENA_MAX = 'MALLOC_ARENA_MAX';
export const WORKER_MMAP_THRESHOLD_BYTES = '32768';
export const WORKER_ARENA_MAX = '2';

/** The malloc settings a worker gets unless the user set them. */
const MALLOC_SETTINGS: ReadonlyArray<readonly [string, string]> = [[MMAP_THRESHOLD, WORKER_MMAP_THRESHOLD_BYTES], [ARENA_MAX, WORKER_ARENA_MAX]];

/** The environment a worker is forked with; `opensTls` keeps NODE_EXTRA_CA_CERTS loaded. */
export function workerProcessEnv(env: NodeJS.ProcessEnv, opensTls: boolean): NodeJS.ProcessEnv {
  const out = { ...env };
  if (!opensTls && out[CA_CERTS] !== undefined) {
    out[WORKER_ENV.extraCaCerts] = out[CA_CERTS];
    delete out[CA_CERTS];
  }
  const ours = MALLOC_SETTINGS.filter(([name]) => out[name] === undefined);
  for (const [name, value] of ours) out[name] = value;
  // The names the supervisor set, so the worker's children get the user's environment back.
  if (ours.length > 0) out[WORKER_ENV.ownMallocSetting] = ours.map(([name]) => name).join(',');
  return out;
}

/** Gives the processes this worker spawns the environment the user started ductor with. */
export function restoreChildEnv(env: NodeJS.ProcessEnv = process.env): void {
  const caCerts = env[WORKER_ENV.extraCaCerts];
  if (caCerts !== undefined) {
    delete env[WORKER_ENV.extraCaCerts];
    env[CA_CERTS] = caCerts;
  }
  const ours = env[WORKER_ENV.ownMallocSetting];
  if (ours !== undefined) {
    delete env[WORKER_ENV.ownMallocSetting];
    for (const name of ours.split(',')) if (MALLOC_SETTINGS.some(([known]) => known === name)) delete env[name];
  }
}
