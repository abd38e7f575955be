/**
 * `/diagnose`: version, configured and effective provider/model, the
 * supervisor's view of every worker, and the last log lines of this agent with secrets removed.
 */
import { open } from 'node:fs/promises';
import type { SupervisorStatus, WorkerStatus } from '../../../shared/rpc/contract.js';
import { redactKnown } from '../../../shared/security/redact.js';
import { texts } from '../orchestrator/texts.js';

const LOG_LINES = 50;
/** Only the end of the log is read; 50 lines fit easily. */
const LOG_TAIL_BYTES = 64 * 1024;
const MAX_LINE_CHARS = 160;

export type DiagnoseInput = {
  version: string;
  configured: { provider: string; model: string };
  effective: { provider: string; model: string } | null;
  status: () => Promise<SupervisorStatus>;
  logFile: string;
  /** Exact secret values (the bot token) to remove besides the recognisable patterns. */
  secrets: readonly string[];
};

const STATE_MARK: Record<WorkerStatus['state'], string> = {
  ready: '●', starting: '◐', crashed: '✖', backoff: '✖', stopping: '○', stopped: '○',
};

export async function diagnoseText(input: DiagnoseInput): Promise<string> {
  const lines = [
    texts.diagnoseHeader,
    '',
    `${texts.diagnoseVersion}: ${input.version}`,
    `${texts.diagnoseConfigured}: ${input.configured.model} (${input.configured.provider})`,
  ];
  if (input.effective) lines.push(`${texts.diagnoseEffective}: ${input.effective.model} (${input.effective.provider})`);
  lines.push('', `${texts.diagnoseWorkers}:`);
  try {
    const status = await input.status();
    for (const w of status.workers) {
      const uptime = w.uptimeMs !== null ? `, ${texts.diagnoseUptime} ${formatDuration(w.uptimeMs)}` : '';
      const exit = w.lastExit && w.state !== 'ready' ? `, exit ${w.lastExit.code ?? w.lastExit.signal ?? '?'}` : '';
      lines.push(`${STATE_MARK[w.state]} ${w.id} (${texts.workerState(w.state)}${uptime}, ${w.restarts} ${texts.diagnoseRestarts}${exit})`);
    }
  } catch {
    lines.push(texts.diagnoseSupervisorUnavailable);
  }
  const log = await tailLog(input.logFile);
  lines.push('');
  if (log.length === 0) lines.push(texts.diagnoseNoLog);
  else lines.push(`${texts.diagnoseLog(log.length)}:`, ...log.map((l) => redactKnown(l, input.secrets)));
  return lines.join('\n');
}

/** The last log lines, each pino JSON line shortened to `time level message`. */
async function tailLog(file: string): Promise<string[]> {
  let handle;
  try {
    handle = await open(file, 'r');
  } catch {
    return [];
  }
  try {
    const { size } = await handle.stat();
    const start = Math.max(0, size - LOG_TAIL_BYTES);
    const buffer = Buffer.alloc(size - start);
    await handle.read(buffer, 0, buffer.length, start);
    const raw = buffer.toString('utf8').split('\n').filter((l) => l.trim() !== '');
    if (start > 0) raw.shift(); // the first line was probably cut in the middle
    return raw.slice(-LOG_LINES).map(compactLine);
  } finally {
    await handle.close();
  }
}

const LEVELS: Record<number, string> = { 10: 'TRACE', 20: 'DEBUG', 30: 'INFO', 40: 'WARN', 50: 'ERROR', 60: 'FATAL' };

function compactLine(line: string): string {
  let out = line;
  try {
    const entry = JSON.parse(line) as { time?: number | string; level?: number; msg?: string; err?: { message?: string } };
    const time = entry.time !== undefined ? new Date(entry.time).toISOString().slice(11, 19) : '';
    const error = entry.err?.message ? ` (${entry.err.message})` : '';
    out = `${time} ${LEVELS[entry.level ?? 30] ?? entry.level} ${entry.msg ?? ''}${error}`;
  } catch {
    // not JSON (a stray line): shown as it is
  }
  return out.length > MAX_LINE_CHARS ? `${out.slice(0, MAX_LINE_CHARS - 1)}…` : out;
}

function formatDuration(ms: number): string {
  const s = Math.floor(ms / 1000);
  if (s < 60) return `${s}s`;
  if (s < 3600) return `${Math.floor(s / 60)}m`;
  if (s < 86_400) return `${Math.floor(s / 3600)}h ${Math.floor((s % 3600) / 60)}m`;
  return `${Math.floor(s / 86_400)}d ${Math.floor((s % 86_400) / 3600)}h`;
}
