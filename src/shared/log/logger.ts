/**
 * One pino logger per process, writing JSON lines to its own file under `logs/`, rotated by size.
 * Every line carries `role` and `agent`; child loggers add `chat` and `turn`. Secrets are removed
 * by key path (configured once here) and by pattern from messages and error text.
 */
import { writeSync } from 'node:fs';
import { join } from 'node:path';
import pino, { type Logger } from 'pino';
import { redactSecrets } from '../security/redact.js';
import { RotatingFile } from './rotating-file.js';
import { prettyDestination, stderrLogFormat, type StderrLogFormat } from './stderr-format.js';

export type { Logger } from 'pino';

/** Key paths whose values never reach a log line, wherever they appear in a logged object. */
const REDACT_PATHS = [
  'token', '*.token', 'telegram_token', '*.telegram_token', 'secret', '*.secret',
  'hmac_secret', '*.hmac_secret', 'password', '*.password', 'access_token', '*.access_token',
  'gemini_api_key', '*.gemini_api_key', 'authorization', '*.authorization', 'headers.authorization',
  'config.telegram_token', 'config.webhooks.token', 'config.api.token', 'config.matrix.password',
];

export type LogOptions = {
  logsDir: string;
  /** File name without extension: `supervisor`, `transport`, `scheduler`, `agent-main`. */
  fileName: string;
  role: string;
  agent?: string;
  level?: string;
  /** Also write to stderr (the supervisor in the foreground): human-readable at a terminal. */
  alsoStderr?: boolean;
  /** Default: stderrLogFormat(process.env, stderr is a TTY). */
  stderrFormat?: StderrLogFormat;
};

let fileSink: RotatingFile | null = null;

/** Creates the process logger. Call once per process. */
export function createLogger(options: LogOptions): Logger {
  fileSink = new RotatingFile(join(options.logsDir, `${options.fileName}.log`));
  const streams: pino.StreamEntry[] = [{ stream: fileSink, level: 'trace' }];
  if (options.alsoStderr) {
    const format = options.stderrFormat ?? stderrLogFormat(process.env, process.stderr.isTTY === true);
    const stderr = format === 'pretty' ? prettyDestination((text) => writeSync(2, text)) : pino.destination({ dest: 2, sync: true });
    streams.push({ stream: stderr, level: 'info' });
  }
  return pino(
    {
      level: normaliseLevel(options.level),
      base: { pid: process.pid, role: options.role, ...(options.agent ? { agent: options.agent } : {}) },
      redact: { paths: REDACT_PATHS, censor: '[redacted]' },
      serializers: { err: serializeError, error: serializeError },
      hooks: {
        // Scrub secrets from free-text messages (error text often carries URLs with tokens).
        logMethod(args, method) {
          const scrubbed = args.map((a) => (typeof a === 'string' ? redactSecrets(a) : a));
          return method.apply(this, scrubbed as Parameters<typeof method>);
        },
      },
      timestamp: pino.stdTimeFunctions.isoTime,
    },
    pino.multistream(streams),
  );
}

/** Flushes the file sink synchronously (before exit). */
export function flushLogs(): void {
  fileSink?.flushSync();
}

/** A logger that drops everything, for code paths and tests without a log file. */
export function silentLogger(): Logger {
  return pino({ level: 'silent' });
}

function normaliseLevel(level: string | undefined): string {
  const lower = (level ?? 'info').toLowerCase();
  if (lower === 'warning') return 'warn';
  if (lower === 'critical') return 'fatal';
  return ['trace', 'debug', 'info', 'warn', 'error', 'fatal', 'silent'].includes(lower) ? lower : 'info';
}

function serializeError(error: unknown): unknown {
  if (!(error instanceof Error)) return typeof error === 'string' ? redactSecrets(error) : error;
  const out: Record<string, unknown> = {
    type: error.name,
    message: redactSecrets(error.message),
    stack: error.stack ? redactSecrets(error.stack) : undefined,
  };
  const code = (error as { code?: unknown }).code;
  if (code !== undefined) out.code = code;
  if (error.cause !== undefined) out.cause = serializeError(error.cause);
  return out;
}
