/**
 * Environment variables the supervisor sets on each worker it forks. A module of constants only:
 * the supervisor reads it before loading anything heavy (see supervisor/prefork.ts).
 */
export const WORKER_ENV = {
  role: 'DUCTOR_WORKER_ROLE',
  agent: 'DUCTOR_WORKER_AGENT',
  home: 'DUCTOR_HOME',
  logLevel: 'DUCTOR_LOG_LEVEL',
  /** Set on a worker forked ahead of time, which waits for `begin` (shared/worker/standby.ts). */
  standby: 'DUCTOR_WORKER_STANDBY',
  /** NODE_EXTRA_CA_CERTS under another name, for workers that open no TLS connection (shared/worker/process-env.ts). */
  extraCaCerts: 'DUCTOR_NODE_EXTRA_CA_CERTS',
  /** The malloc settings (comma-separated names) the supervisor chose for the worker, which its children must not inherit. */
  ownMallocSetting: 'DUCTOR_WORKER_OWN_MALLOC',
} as const;
