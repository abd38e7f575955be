/**
 * Who a pid is: its command line and when it started. A pid in `bot.pid` may have been handed to
 * another program since (pids are reused, after a reboot within seconds); signalling it would kill
 * a stranger. Linux answers from /proc; elsewhere `ps` does.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';

/** Linux reports process start times in clock ticks of this length (USER_HZ is 100 on every architecture). */
const TICKS_PER_SECOND = 100;

export type ProcessIdentity = {
  /** The arguments joined with spaces; null when they cannot be read. */
  commandLine: string | null;
  /** Wall-clock start (ms since the epoch, to about a second); null when unknown. */
  startedAtMs: number | null;
};

export function identityOf(pid: number): ProcessIdentity {
  if (process.platform === 'linux') return { commandLine: procCommandLine(pid), startedAtMs: procStartedAt(pid) };
  return { commandLine: ps(pid, 'command='), startedAtMs: parseStart(ps(pid, 'lstart=')) };
}

function procCommandLine(pid: number): string | null {
  try {
    const raw = readFileSync(`/proc/${pid}/cmdline`, 'utf8');
    return raw === '' ? null : raw.replace(/\0+$/, '').split('\0').join(' ');
  } catch {
    return null;
  }
}

function procStartedAt(pid: number): number | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // The command name in parentheses may hold spaces; fields are counted after its closing one.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const ticks = Number(fields[19]);
    const btime = /^btime (\d+)$/m.exec(readFileSync('/proc/stat', 'utf8'))?.[1];
    if (!Number.isFinite(ticks) || btime === undefined) return null;
    return Number(btime) * 1000 + (ticks / TICKS_PER_SECOND) * 1000;
  } catch {
    return null;
  }
}

function ps(pid: number, format: string): string | null {
  try {
    const out = execFileSync('ps', ['-o', format, '-p', String(pid)], { encoding: 'utf8', timeout: 5_000, stdio: ['ignore', 'pipe', 'ignore'] }).trim();
    return out === '' ? null : out;
  } catch {
    return null;
  }
}

function parseStart(text: string | null): number | null {
  if (text === null) return null;
  const ms = Date.parse(text);
  return Number.isNaN(ms) ? null : ms;
}
