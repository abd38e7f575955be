/**
 * Keeps every agent worker under its memory limit (its agents.json `memory_limit_mb`, else the
 * global `agents.memory_limit_mb`): a worker whose resident memory grows past it is restarted
 * alone (its journal and outbox survive), and its users are told. The limits are read on every
 * check, so an edit applies without a restart.
 */
import type { Logger } from 'pino';
import { catalogue } from '../shared/i18n/index.js';
import { residentMiB } from '../shared/proc-memory.js';
import type { Supervisor } from './supervisor.js';

export { residentMiB };

/** How often worker memory is sampled (ms). */
export const MEMORY_CHECK_INTERVAL_MS = 10_000;

/** The limit (MiB) of each agent by name, as the files say now, and the UI language of the notice. */
export type MemoryLimits = () => Promise<{ limitOf: (agent: string) => number; language: string }>;

export function startMemoryWatch(supervisor: Supervisor, limits: MemoryLimits, log: Logger, sample = residentMiB): () => void {
  let checking = false;
  const timer = setInterval(() => {
    if (checking) return;
    checking = true;
    void (async () => {
      const { limitOf, language } = await limits();
      for (const handle of supervisor.handles.values()) {
        if (handle.spec.role !== 'agent' || handle.state !== 'ready' || handle.pid === null) continue;
        const used = sample(handle.pid);
        const agent = handle.spec.agent ?? 'main';
        const limit = limitOf(agent);
        if (used === null || used <= limit) continue;
        log.warn({ worker: handle.id, usedMiB: Math.round(used), limitMiB: limit }, 'agent worker over its memory limit; restarting it');
        supervisor.notify(agent, catalogue(language).memoryLimitRestarted(agent, Math.round(used), limit));
        await supervisor.restartWorker(handle.id, 'memory limit');
      }
    })().catch((error: unknown) => log.warn({ err: error }, 'memory check failed')).finally(() => {
      checking = false;
    });
  }, MEMORY_CHECK_INTERVAL_MS);
  timer.unref();
  return () => clearInterval(timer);
}
