/** The logger shape every scheduler module accepts: pino-compatible, optional, never required. */

export interface SchedulerLog {
  debug(obj: object, msg: string): void;
  info(obj: object, msg: string): void;
  warn(obj: object, msg: string): void;
  error(obj: object, msg: string): void;
}

const noop = (): void => undefined;

/** A logger that drops everything, used when the caller passed none. */
export const silentLog: SchedulerLog = { debug: noop, info: noop, warn: noop, error: noop };
