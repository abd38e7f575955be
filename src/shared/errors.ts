/** Error types shared by every process. Code branches on `code` and fields, never on text. */

export class DuctorError extends Error {
  readonly code: string;
  constructor(code: string, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'DuctorError';
    this.code = code;
  }
}

/** A config file that cannot be used: names the file, the key path, what was expected and found. */
export class ConfigError extends DuctorError {
  constructor(
    readonly file: string,
    readonly keyPath: string,
    readonly expected: string,
    readonly found: string,
    message: string,
    options?: { cause?: unknown },
  ) {
    super('CONFIG_INVALID', message, options);
    this.name = 'ConfigError';
  }
}

/** A state file that failed validation; `movedTo` is where the bad copy now lives. */
export class StateFileError extends DuctorError {
  constructor(
    readonly file: string,
    readonly movedTo: string | null,
    message: string,
    options?: { cause?: unknown },
  ) {
    super('STATE_CORRUPT', message, options);
    this.name = 'StateFileError';
  }
}

/** A JSON-RPC call that failed, rebuilt at the caller from the wire error. */
export class RpcError extends DuctorError {
  constructor(
    readonly method: string,
    readonly target: string,
    readonly rpcCode: number,
    message: string,
    readonly data?: unknown,
  ) {
    super('RPC_FAILED', message);
    this.name = 'RpcError';
  }
}

/** Renders any thrown value as one line, for logs and user-facing notices. */
export function describeError(error: unknown): string {
  if (error instanceof Error) return error.message;
  return String(error);
}
