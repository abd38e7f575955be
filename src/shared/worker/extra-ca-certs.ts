/**
 * NODE_EXTRA_CA_CERTS for workers that open no TLS connection themselves. Node reads that file
 * into every process as it starts (about 1.1 MiB of malloc'd certificates per process with
 * Debian's full bundle, measured on an idle agent worker), yet only the transport talks TLS. The
 * supervisor therefore forks the other workers with the value under another name, and each hands
 * it back to `process.env` first thing, so the CLIs and tools it spawns still trust the same CAs.
 * A module of plain functions: fork-worker.ts uses it before the supervisor loads anything heavy.
 */
import { WORKER_ENV } from './env-names.js';

const NODE_VARIABLE = 'NODE_EXTRA_CA_CERTS';

/** The worker's environment with NODE_EXTRA_CA_CERTS moved aside (unchanged when it is not set). */
export function stashExtraCaCerts(env: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  const value = env[NODE_VARIABLE];
  if (value === undefined) return env;
  const { [NODE_VARIABLE]: _moved, ...rest } = env;
  return { ...rest, [WORKER_ENV.extraCaCerts]: value };
}

/** Puts a stashed NODE_EXTRA_CA_CERTS back for the processes this one spawns. */
export function restoreExtraCaCerts(env: NodeJS.ProcessEnv = process.env): void {
  const value = env[WORKER_ENV.extraCaCerts];
  if (value === undefined) return;
  delete env[WORKER_ENV.extraCaCerts];
  env[NODE_VARIABLE] = value;
}
