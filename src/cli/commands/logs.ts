/** `ductor logs [-f] [-n N]`: every process's log merged in time order, human-readable. */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { EXIT_OK } from '../../shared/exit-codes.js';
import { mainPaths } from '../../shared/paths.js';
import { formatLogLine, type LogRecord } from '../../shared/log/log-format.js';

const FOLLOW_POLL_MS = 500;

export async function runLogs(options: { home: string; follow: boolean; lines: number }): Promise<number> {
  const dir = mainPaths(options.home).logsDir;
  if (!existsSync(dir)) {
    process.stdout.write(`no logs yet in ${dir}\n`);
    return EXIT_OK;
  }
  const records = listLogFiles(dir).flatMap((file) => readRecords(file, 0).records);
  records.sort((a, b) => a.timeMs - b.timeMs);
  for (const record of records.slice(-options.lines)) process.stdout.write(`${record.line}\n`);
  if (!options.follow) return EXIT_OK;

  // Follow: remember each current file's size and print what is appended, merged per poll.
  const offsets = new Map<string, number>();
  for (const file of currentLogFiles(dir)) offsets.set(file, statSync(file).size);
  const stop = new AbortController();
  process.once('SIGINT', () => stop.abort());
  while (!stop.signal.aborted) {
    await sleep(FOLLOW_POLL_MS, undefined, { signal: stop.signal }).catch(() => undefined);
    const batch: LogRecord[] = [];
    for (const file of currentLogFiles(dir)) {
      const size = statSync(file).size;
      const from = offsets.get(file) ?? 0;
      const start = size < from ? 0 : from; // rotated: the file started over
      if (size === start) continue;
      const { records: fresh, consumed } = readRecords(file, start);
      offsets.set(file, start + consumed);
      batch.push(...fresh);
    }
    batch.sort((a, b) => a.timeMs - b.timeMs);
    for (const record of batch) process.stdout.write(`${record.line}\n`);
  }
  return EXIT_OK;
}

function currentLogFiles(dir: string): string[] {
  return readdirSync(dir).filter((n) => n.endsWith('.log')).map((n) => join(dir, n));
}

/** Current files and their rotated predecessors (`x.log.1` … `x.log.3`). */
function listLogFiles(dir: string): string[] {
  return readdirSync(dir).filter((n) => /\.log(\.\d+)?$/.test(n)).map((n) => join(dir, n));
}

/** Reads whole lines from `offset`; returns them and how many bytes they used (a partial tail waits). */
function readRecords(file: string, offset: number): { records: LogRecord[]; consumed: number } {
  const buffer = readFileSync(file).subarray(offset);
  const lastNewline = buffer.lastIndexOf(10);
  if (lastNewline < 0) return { records: [], consumed: 0 };
  const text = buffer.subarray(0, lastNewline + 1).toString('utf8');
  const fallback = statSync(file).mtimeMs;
  const records = text.split('\n').filter((l) => l.trim() !== '').map((l) => formatLogLine(l, fallback));
  return { records, consumed: lastNewline + 1 };
}
