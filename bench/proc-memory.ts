/**
 * A process's memory from /proc/PID/smaps_rollup (Linux).
 *
 * PSS (proportional set size) splits every shared page among all the processes that map it, on
 * the whole machine: the node binary's ~40 MiB of code counts less per process the more node
 * processes run beside ductor. That is right for a tree's total, but it makes one process's figure
 * depend on what else the machine runs. USS (unique set size: the private pages) is what only that
 * process holds, what its exit would free: the cost of one more agent worker, whatever else runs.
 */
import { readFileSync } from 'node:fs';

function rollupKiB(pid: number, fields: readonly string[]): number {
  try {
    const text = readFileSync(`/proc/${pid}/smaps_rollup`, 'utf8');
    let sum = 0;
    for (const field of fields) {
      const match = new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(text);
      if (!match) return Number.NaN;
      sum += Number(match[1]);
    }
    return sum;
  } catch {
    return Number.NaN;
  }
}

/** PSS in MiB, or NaN where /proc is not available. */
export function pssMiB(pid: number): number {
  return rollupKiB(pid, ['Pss']) / 1024;
}

/** USS (private clean + private dirty pages) in MiB, or NaN where /proc is not available. */
export function ussMiB(pid: number): number {
  return rollupKiB(pid, ['Private_Clean', 'Private_Dirty']) / 1024;
}
