/**
 * Signals a CLI's process group and the descendants that may have left it (setsid, daemonizing
 * tools). Runs in the agent's event loop while other chats stream, so nothing here blocks: /proc
 * is walked once, asynchronously, when a stop begins, and the polls that follow read only the
 * stat files of the pids that walk found.
 */
import { execFile } from 'node:child_process';
import { readdir, readFile } from 'node:fs/promises';

type ProcStat = { state: string; ppid: number; pgrp: number };

/** The stat of one process, or null when it is gone (or there is no /proc). */
async function readProcStat(pid: number): Promise<ProcStat | null> {
  try {
    const stat = await readFile(`/proc/${pid}/stat`, 'utf8');
    // The command name may hold spaces and parentheses: fields start after the last ')'.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return { state: fields[0] ?? '', ppid: Number(fields[1]), pgrp: Number(fields[2]) };
  } catch {
    return null;
  }
}

function isLive(st: ProcStat | null): st is ProcStat {
  // Zombies are dead: they wait for a parent or init to reap them (an init that never reaps keeps them forever).
  return st !== null && st.state !== 'Z' && st.state !== 'X';
}

/** Every live process's parent and group, or null without /proc. */
async function readProcessTable(): Promise<Map<number, ProcStat> | null> {
  let names: string[];
  try {
    names = await readdir('/proc');
  } catch {
    return null;
  }
  const table = new Map<number, ProcStat>();
  await Promise.all(
    names.filter((name) => /^\d+$/.test(name)).map(async (name) => {
      const st = await readProcStat(Number(name));
      // null: the process ended while we walked /proc; it needs no signal.
      if (isLive(st)) table.set(Number(name), st);
    }),
  );
  return table;
}

/** Parent of every process from `ps`, where there is no /proc (macOS), as the Python original does. */
function readParentsFromPs(): Promise<Map<number, ProcStat>> {
  return new Promise((resolve) => {
    execFile('ps', ['-axo', 'pid=,ppid=,pgid='], { encoding: 'utf8', timeout: 2000 }, (error, out) => {
      const table = new Map<number, ProcStat>();
      // Without ps the group signal alone has to do.
      if (!error) {
        for (const line of out.split('\n')) {
          const [pid, ppid, pgrp] = line.trim().split(/\s+/).map(Number);
          if (Number.isInteger(pid) && Number.isInteger(ppid) && Number.isInteger(pgrp)) table.set(pid!, { state: 'R', ppid: ppid!, pgrp: pgrp! });
        }
      }
      resolve(table);
    });
  });
}

/**
 * The processes a stop of group `pgid` must reach: every descendant of its leader, children before
 * grandchildren (they may have left the group), then the group's other members (whose parent, the
 * leader, may be gone already). One asynchronous walk of /proc.
 */
export async function listProcessTree(pgid: number): Promise<number[]> {
  const table = (await readProcessTable()) ?? (await readParentsFromPs());
  const children = new Map<number, number[]>();
  for (const [pid, st] of table) {
    const list = children.get(st.ppid);
    if (list === undefined) children.set(st.ppid, [pid]);
    else list.push(pid);
  }
  const found: number[] = [];
  const queue = [pgid];
  while (queue.length > 0) {
    for (const pid of children.get(queue.shift()!) ?? []) {
      found.push(pid);
      queue.push(pid);
    }
  }
  const seen = new Set(found);
  for (const [pid, st] of table) if (st.pgrp === pgid && pid !== pgid && !seen.has(pid)) found.push(pid);
  return found;
}

/** True while the group has any process at all, zombies included: one system call, no /proc. */
export function groupHasMembers(pgid: number): boolean {
  try {
    process.kill(-pgid, 0);
    return true;
  } catch (error) {
    // EPERM means it exists but is not ours to signal.
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * True while the leader or one of the `known` pids (listProcessTree) still runs in group `pgid`.
 * Zombies do not count. Reads only those pids' stat files; without /proc, any member counts.
 */
export async function isGroupAlive(pgid: number, known: readonly number[]): Promise<boolean> {
  if (!groupHasMembers(pgid)) return false;
  const stats = await Promise.all([pgid, ...known].map(readProcStat));
  if (stats.every((st) => st === null) && !(await hasProc())) return true;
  return stats.some((st) => isLive(st) && st.pgrp === pgid);
}

/** Alive and not a zombie. */
export async function isRunning(pid: number): Promise<boolean> {
  try {
    process.kill(pid, 0);
  } catch {
    return false;
  }
  const st = await readProcStat(pid);
  return st === null ? !(await hasProc()) : isLive(st);
}

let procPresent: boolean | undefined;

async function hasProc(): Promise<boolean> {
  procPresent ??= (await readProcStat(process.pid)) !== null;
  return procPresent;
}

/** Sends `signal` to the group and to each listed pid; processes already gone are skipped. */
export function signalTree(pgid: number, extraPids: readonly number[], signal: NodeJS.Signals): void {
  for (const pid of extraPids) trySignal(pid, signal);
  trySignal(-pgid, signal);
}

function trySignal(pid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(pid, signal);
  } catch {
    // ESRCH: it exited between listing and signalling, which is what we want anyway.
  }
}
