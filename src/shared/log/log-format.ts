/** Turns one pino JSON line into a human-readable line: time, level, process, message, fields. */

const LEVELS: Record<number, string> = { 10: 'TRACE', 20: 'DEBUG', 30: 'INFO', 40: 'WARN', 50: 'ERROR', 60: 'FATAL' };
const HIDDEN = new Set(['time', 'level', 'msg', 'pid', 'role', 'agent', 'hostname', 'v']);

export type LogRecord = { timeMs: number; line: string };

/** Parses a log line; non-JSON lines (a crash dump) are kept as they are, timed at `fallbackMs`. */
export function formatLogLine(raw: string, fallbackMs: number): LogRecord {
  let entry: Record<string, unknown>;
  try {
    entry = JSON.parse(raw) as Record<string, unknown>;
  } catch {
    return { timeMs: fallbackMs, line: raw };
  }
  const timeMs = typeof entry.time === 'string' ? Date.parse(entry.time) : typeof entry.time === 'number' ? entry.time : fallbackMs;
  const when = Number.isFinite(timeMs) ? new Date(timeMs).toISOString().replace('T', ' ').slice(0, 23) : '?';
  const level = (LEVELS[entry.level as number] ?? String(entry.level)).padEnd(5);
  const who = entry.agent ? `${String(entry.role)}:${String(entry.agent)}` : String(entry.role ?? '?');
  const fields = Object.entries(entry)
    .filter(([key]) => !HIDDEN.has(key))
    .map(([key, value]) => `${key}=${typeof value === 'string' ? value : JSON.stringify(value)}`)
    .join(' ');
  return { timeMs: Number.isFinite(timeMs) ? timeMs : fallbackMs, line: `${when} ${level} ${who.padEnd(14)} ${String(entry.msg ?? '')}${fields ? `  ${fields}` : ''}` };
}
