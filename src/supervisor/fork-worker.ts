/**
 * How a worker process is forked. Light on purpose (no schemas, no logger), like worker-specs.ts:
 * prefork.ts uses it before the supervisor has loaded anything heavy.
 */
import { fork, type ChildProcess } from 'node:child_process';
import { WORKER_ENV } from '../shared/worker/env-names.js';
import { workerProcessEnv } from '../shared/worker/process-env.js';
import type { WorkerSpec } from './worker-handle.js';

/** A worker process forked ahead of time, waiting for `begin`, and the environment it got. */
export type StandbyWorker = { child: ChildProcess; env: NodeJS.ProcessEnv };

/** The environment of a worker: the spec's, plus its role and agent. */
export function workerEnv(spec: WorkerSpec): NodeJS.ProcessEnv {
  const env = { ...spec.env, [WORKER_ENV.role]: spec.role, ...(spec.agent ? { [WORKER_ENV.agent]: spec.agent } : {}) };
  // Only the transport talks TLS (Telegram, Matrix).
  return workerProcessEnv(env, spec.role === 'transport');
}

/** Forks a worker; a standby fork passes its own environment (workerEnv plus the standby mark). */
export function forkWorker(spec: WorkerSpec, env: NodeJS.ProcessEnv = workerEnv(spec)): ChildProcess {
  return fork(spec.entry, spec.args ?? [], {
    env,
    execArgv: spec.execArgv,
    serialization: 'json',
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
}

