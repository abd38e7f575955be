/**
 * How the foreground supervisor echoes its log to stderr. A person at a terminal reads lines like
 * `ductor logs` prints; a pipe (a service manager's journal, a script) gets pino's JSON lines.
 * DUCTOR_LOG_FORMAT=pretty|json overrides either way. The log files are always JSON.
 */
import { formatLogLine } from './log-format.js';

export type StderrLogFormat = 'pretty' | 'json';

export function stderrLogFormat(env: NodeJS.ProcessEnv, isTTY: boolean): StderrLogFormat {
  const asked = env.DUCTOR_LOG_FORMAT?.trim().toLowerCase();
  if (asked === 'pretty' || asked === 'json') return asked;
  return isTTY ? 'pretty' : 'json';
}

/** A pino destination that writes each JSON line as one human-readable line. */
export function prettyDestination(write: (text: string) => void): { write(chunk: string): void } {
  let pending = '';
  return {
    write(chunk: string) {
      pending += chunk;
      let end = pending.indexOf('\n');
      while (end >= 0) {
        const line = pending.slice(0, end);
        pending = pending.slice(end + 1);
        if (line.trim() !== '') write(`${formatLogLine(line, Date.now()).line}\n`);
        end = pending.indexOf('\n');
      }
    },
  };
}
