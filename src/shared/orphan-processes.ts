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
  let entries: string[];
  try {
    entries = readdirSync('/proc');
  } catch {
    return [];
  }
  const needle = `${CLI_OWNER_ENV}=${marker}\0`;
  const found: number[] = [];
  for (const entry of entries) {
    const pid = Number(entry);
    if (!Number.isInteger(pid) || pid === process.pid) continue;
    try {
      if (`${readFileSync(`/proc/${pid}/environ`, 'latin1')}\0`.includes(needle)) found.push(pid);
    } catch {
      // Gone meanwhile, or not ours to read: either way not an orphan we can stop.
    }
  }
  return found;
}

/** SIGTERM, then SIGKILL after a grace, to every marked process. Returns how many there were. */
export async function stopMarkedProcesses(marker: string): Promise<number> {
  const pids = findMarkedProcesses(marker);
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
