/**
 * The logger matrix-js-sdk and its Rust crypto write to. Left to itself the SDK logs every sync,
 * key request and timing at debug level to the console, that is to the terminal or the journal
 * of a running ductor. Here its debug and info lines are dropped, its warnings go to ductor's log
 * at debug level (they are routine: a missing optional endpoint, a retried request) and its errors
 * at warn level, all tagged with the SDK's own component name.
 */
import type { Logger } from '../../../shared/log/logger.js';

export type SdkLogger = {
  trace(...msg: unknown[]): void;
  debug(...msg: unknown[]): void;
  info(...msg: unknown[]): void;
  warn(...msg: unknown[]): void;
  error(...msg: unknown[]): void;
  getChild(namespace: string): SdkLogger;
};

function text(parts: unknown[]): { msg: string; err?: Error } {
  const err = parts.find((p): p is Error => p instanceof Error);
  const msg = parts.filter((p) => !(p instanceof Error)).map((p) => (typeof p === 'string' ? p : safeJson(p))).join(' ');
  return err ? { msg, err } : { msg };
}

function safeJson(value: unknown): string {
  try {
    return JSON.stringify(value) ?? String(value);
  } catch {
    return String(value);
  }
}

export function sdkLogger(log: Logger, component = 'matrix-sdk'): SdkLogger {
  const drop = () => undefined;
  return {
    trace: drop,
    debug: drop,
    info: drop,
    warn: (...msg) => {
      const { msg: line, err } = text(msg);
      log.debug({ component, ...(err ? { err } : {}) }, line);
    },
    error: (...msg) => {
      const { msg: line, err } = text(msg);
      log.warn({ component, ...(err ? { err } : {}) }, line);
    },
    getChild: (namespace) => sdkLogger(log, `${component}${namespace.startsWith('[') || namespace.startsWith(' ') ? '' : ' '}${namespace}`.trim()),
  };
}
