/** Signals a CLI's process group and the descendants that may have left it (setsid, daemonizing tools). */
import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';

/** Every descendant pid of `root`, children before grandchildren; empty when it cannot be read. */
export function listDescendants(root: number): number[] {
  const parentOf = readParentMap();
  const children = new Map<number, number[]>();
  for (const [pid, ppid] of parentOf) {
    const list = children.get(ppid);
    if (list === undefined) children.set(ppid, [pid]);
    else list.push(pid);
  }
  const found: number[] = [];
  const queue = [root];
  while (queue.length > 0) {
    const next = children.get(queue.shift()!) ?? [];
    for (const pid of next) {
      found.push(pid);
      queue.push(pid);
    }
  }
  return found;
}

function readParentMap(): Map<number, number> {
  const map = new Map<number, number>();
  const states = readProcStates();
  if (states !== null) {
    for (const [pid, st] of states) if (st.state !== 'Z') map.set(pid, st.ppid);
    return map;
  }
  // No /proc (macOS): ask ps, as the Python original does.
  try {
    const out = execFileSync('ps', ['-axo', 'pid=,ppid='], { encoding: 'utf8', timeout: 2000 });
    for (const line of out.split('\n')) {
      const [pid, ppid] = line.trim().split(/\s+/).map(Number);
      if (pid !== undefined && ppid !== undefined && Number.isInteger(pid) && Number.isInteger(ppid)) map.set(pid, ppid);
    }
  } catch {
    // Without ps the group signal alone has to do.
  }
  return map;
}

/**
 * True while any process of the group still runs. Zombies do not count: they are dead and wait for
 * their parent or init to reap them (an init that never reaps keeps them forever).
 */
export function isGroupAlive(pgid: number): boolean {
  try {
    process.kill(-pgid, 0);
  } catch (error) {
    // EPERM means it exists but is not ours to signal.
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
  const states = readProcStates();
  if (states === null) return true;
  for (const [, st] of states) if (st.pgrp === pgid && st.state !== 'Z' && st.state !== 'X') return true;
  return false;
}

/** Alive and not a zombie. */
export function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch {
    return false;
  }
  const st = readProcStat(pid);
  return st === null || (st.state !== 'Z' && st.state !== 'X');
}

type ProcStat = { state: string; ppid: number; pgrp: number };

function readProcStat(pid: number): ProcStat | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // The command name may hold spaces and parentheses: fields start after the last ')'.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return { state: fields[0] ?? '', ppid: Number(fields[1]), pgrp: Number(fields[2]) };
  } catch {
    return null;
  }
}

/** Every process's stat, or null without /proc. */
function readProcStates(): Map<number, ProcStat> | null {
  let names: string[];
  try {
    names = readdirSync('/proc');
  } catch {
    return null;
  }
  const map = new Map<number, ProcStat>();
  for (const name of names) {
    if (!/^\d+$/.test(name)) continue;
    const st = readProcStat(Number(name));
    // null: the process ended while we walked /proc; it needs no signal.
    if (st !== null) map.set(Number(name), st);
  }
  return map;
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
