/** Proportional set size of a process, from /proc/PID/smaps_rollup (Linux). */
import { readFileSync } from 'node:fs';

/** PSS in MiB, or NaN where /proc is not available. */
export function pssMiB(pid: number): number {
  try {
    const text = readFileSync(`/proc/${pid}/smaps_rollup`, 'utf8');
    const match = /^Pss:\s+(\d+) kB/m.exec(text);
    return match ? Number(match[1]) / 1024 : Number.NaN;
  } catch {
    return Number.NaN;
  }
}
