/**
 * Finds and kills what a test's ductor left running. Every ductor a test starts carries
 * DUCTOR_TEST_OWNER=<its temp home> in its environment, and every worker and CLI it starts
 * inherits it, so the survivors are found by that mark even after their parent is gone.
 */
import { readdir, readFile } from 'node:fs/promises';

export const TEST_OWNER_ENV = 'DUCTOR_TEST_OWNER';

async function environOf(pid: number): Promise<string> {
  try {
    return `\0${await readFile(`/proc/${pid}/environ`, 'latin1')}`;
  } catch {
    return ''; // gone meanwhile, or not ours to read
  }
}

async function processGroupOf(pid: number): Promise<number | null> {
  try {
    const stat = await readFile(`/proc/${pid}/stat`, 'latin1');
    // Fields after the command name (which may hold spaces): state ppid pgrp …
    const pgid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[2]);
    return Number.isInteger(pgid) ? pgid : null;
  } catch {
    return null;
  }
}

/** Pids of live processes marked with `owner` (none where /proc is missing). */
export async function markedProcesses(owner: string): Promise<number[]> {
  const entries = await readdir('/proc').catch(() => [] as string[]);
  const mark = `\0${TEST_OWNER_ENV}=${owner}\0`;
  const found: number[] = [];
  for (const entry of entries) {
    const pid = Number(entry);
    if (!Number.isInteger(pid) || pid === process.pid) continue;
    if ((await environOf(pid)).includes(mark)) found.push(pid);
  }
  return found;
}

/**
 * SIGKILLs every process marked with `owner`: the whole group of one that leads its own (a CLI and
 * what it started), the process alone otherwise (never the test runner's own group). Returns the pids.
 */
export async function killMarkedProcesses(owner: string): Promise<number[]> {
  const pids = await markedProcesses(owner);
  const ownGroup = await processGroupOf(process.pid);
  for (const pid of pids) {
    const pgid = await processGroupOf(pid);
    try {
      if (pgid === pid && pgid !== ownGroup) process.kill(-pgid, 'SIGKILL');
      else process.kill(pid, 'SIGKILL');
    } catch {
      // Exited meanwhile.
    }
  }
  return pids;
}
