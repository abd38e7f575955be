/**
 * CLI processes left behind by an agent worker that died hard (SIGKILL, OOM). Every CLI the agent
 * spawns carries `DUCTOR_CLI_OWNER=<home digest>:<agent>` in its environment (inherited by its own
 * children); before that agent's worker starts again, every process still carrying the marker is
 * an orphan and is stopped. Linux reads /proc; elsewhere nothing is found (documented limitation).
 */
import { sha256Hex } from './lazy-crypto.js';
import { readdirSync, readFileSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import { isProcessAlive } from './process-alive.js';

export const CLI_OWNER_ENV = 'DUCTOR_CLI_OWNER';
const GRACE_MS = 1_500;

export function cliOwnerMarker(home: string, agent: string): string {
  return `${sha256Hex(home).slice(0, 12)}:${agent}`;
}

/** Pids (other than ours) whose environment carries `marker`. */
export function findMarkedProcesses(marker: string): number[] {
  return findProcessesByMarker([marker]).get(marker) ?? [];
}

/**
 * Pids (other than ours) by the marker their environment carries, in one pass over /proc: a
 * supervisor starting several agents reads every process's environment once, not once per agent.
 * Markers found in no process are absent from the map.
 */
export function findProcessesByMarker(markers: readonly string[]): Map<string, number[]> {
  const found = new Map<string, number[]>();
  let entries: string[];
  try {
    entries = readdirSync('/proc');
  } catch {
    return found;
  }
  const needles = markers.map((marker) => ({ marker, needle: `${CLI_OWNER_ENV}=${marker}\0` }));
  for (const entry of entries) {
    const pid = Number(entry);
    if (!Number.isInteger(pid) || pid === process.pid) continue;
    let environ: string;
    try {
      environ = `${readFileSync(`/proc/${pid}/environ`, 'latin1')}\0`;
    } catch {
      continue; // gone meanwhile, or not ours to read: either way not an orphan we can stop
    }
    for (const { marker, needle } of needles) {
      if (!environ.includes(needle)) continue;
      const pids = found.get(marker) ?? [];
      pids.push(pid);
      found.set(marker, pids);
    }
  }
  return found;
}

/**
 * SIGTERM, then SIGKILL after a grace, to every marked process (`pids`: found already by
 * findProcessesByMarker). Returns how many there were.
 */
export async function stopMarkedProcesses(marker: string, pids = findMarkedProcesses(marker)): Promise<number> {
  if (pids.length === 0) return 0;
  for (const pid of pids) signal(pid, 'SIGTERM');
  const deadline = Date.now() + GRACE_MS;
  while (Date.now() < deadline && pids.some(isProcessAlive)) await sleep(50);
  for (const pid of pids.filter(isProcessAlive)) signal(pid, 'SIGKILL');
  return pids.length;
}

function signal(pid: number, name: NodeJS.Signals): void {
  try {
    process.kill(pid, name);
  } catch {
    // Exited between the scan and the signal.
  }
}
