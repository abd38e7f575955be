/**
 * Keeps every agent worker under `agents.memory_limit_mb`: a worker whose resident memory grows
 * past the limit is restarted alone (its journal and outbox survive), and its users are told.
 */
import { readFileSync } from 'node:fs';
import type { Logger } from 'pino';
import type { Supervisor } from './supervisor.js';

/** How often worker memory is sampled (ms). */
export const MEMORY_CHECK_INTERVAL_MS = 10_000;

/** Resident set size of a process in MiB (Linux /proc), or null where it cannot be read. */
export function residentMiB(pid: number): number | null {
  try {
    const match = /^VmRSS:\s+(\d+) kB/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return match ? Number(match[1]) / 1024 : null;
  } catch {
    return null;
  }
}

export function startMemoryWatch(supervisor: Supervisor, limitMiB: () => number, log: Logger, sample = residentMiB): () => void {
  let checking = false;
  const timer = setInterval(() => {
    if (checking) return;
    checking = true;
    void (async () => {
      for (const handle of supervisor.handles.values()) {
        if (handle.spec.role !== 'agent' || handle.state !== 'ready' || handle.pid === null) continue;
        const used = sample(handle.pid);
        const limit = limitMiB();
        if (used === null || used <= limit) continue;
        const agent = handle.spec.agent ?? 'main';
        log.warn({ worker: handle.id, usedMiB: Math.round(used), limitMiB: limit }, 'agent worker over its memory limit; restarting it');
        supervisor.notify(agent, `⚠️ The agent "${agent}" used ${Math.round(used)} MiB (limit ${limit} MiB, agents.memory_limit_mb) and was restarted. Queued messages are kept.`);
        await supervisor.restartWorker(handle.id, 'memory limit');
      }
    })().finally(() => {
      checking = false;
    });
  }, MEMORY_CHECK_INTERVAL_MS);
  timer.unref();
  return () => clearInterval(timer);
}
