/**
 * Standby workers: on `ductor` (start), the workers are forked first thing, before the supervisor
 * has loaded its own code, checked the config or seeded the home. Each loads and compiles its code
 * meanwhile, then waits (shared/worker/standby.ts) until its handle adopts it and says `begin`.
 * On a 2-core machine this overlaps the supervisor's start with the workers' instead of running
 * them one after the other: from start to "ductor is running" took 1048-1805 ms (median 1684)
 * with standby workers and 1830-4902 ms (median 3092) without, 3 interleaved runs each on the
 * loaded 2-core VM (1 agent). Workers that turn out not to be needed (the config is broken, an
 * agent entry is invalid) are stopped unused. Light on purpose: it runs before anything heavy.
 */
import { existsSync, readFileSync } from 'node:fs';
import { mainPaths } from '../shared/paths.js';
import { AGENT_NAME_PATTERN } from '../shared/rpc/target-names.js';
import type { Target } from '../shared/rpc/targets.js';
import { WORKER_ENV } from '../shared/worker/env-names.js';
import { forkWorker, workerEnv, type StandbyWorker } from './fork-worker.js';
import { workerSpecs } from './worker-specs.js';

export class StandbyWorkers {
  private readonly waiting = new Map<Target, StandbyWorker>();

  /** Forks a standby worker per role and per agent named in agents.json (if the config exists). */
  constructor(home: string, env: NodeJS.ProcessEnv = process.env) {
    const paths = mainPaths(home);
    if (!existsSync(paths.configFile)) return; // onboarding comes first; nothing to start yet
    // The log level comes from the config, read later; it reaches the worker with `begin`.
    for (const spec of workerSpecs({ home, agents: ['main', ...agentNames(paths.agentsFile)], env, logLevel: 'info' })) {
      const standbyEnv = { ...workerEnv(spec), [WORKER_ENV.standby]: '1' };
      try {
        this.waiting.set(spec.id, { child: forkWorker(spec, standbyEnv), env: standbyEnv });
      } catch {
        // Out of processes or memory: the handle forks this worker itself when it starts.
      }
    }
  }

  /** The standby worker for `id` if it is still alive, handed over once. */
  take(id: Target): StandbyWorker | null {
    const standby = this.waiting.get(id);
    this.waiting.delete(id);
    if (!standby) return null;
    const { child } = standby;
    if (child.exitCode === null && child.signalCode === null && child.connected) return standby;
    return null;
  }

  /** Stops every standby worker nobody took. */
  discard(): void {
    for (const { child } of this.waiting.values()) {
      if (child.connected) child.disconnect(); // a standby worker exits when its channel closes
      child.kill('SIGTERM');
    }
    this.waiting.clear();
  }
}

/**
 * Names in agents.json, read without validation: a guess that is checked later. A name that fails
 * the real check only costs one unused standby worker.
 */
function agentNames(agentsFile: string): string[] {
  try {
    const parsed: unknown = JSON.parse(readFileSync(agentsFile, 'utf8'));
    if (!Array.isArray(parsed)) return [];
    return parsed.flatMap((entry: unknown) => {
      const name = typeof entry === 'object' && entry !== null ? (entry as { name?: unknown }).name : undefined;
      return typeof name === 'string' && AGENT_NAME_PATTERN.test(name) && name !== 'main' ? [name] : [];
    });
  } catch {
    return [];
  }
}
