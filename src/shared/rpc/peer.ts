/**
 * One end of the JSON-RPC 2.0 bus (json-rpc-2.0 over Node IPC). Validates params on arrival and
 * results on return against the contract, gives every request a deadline, answers malformed or
 * unknown messages with a JSON-RPC error instead of throwing, and rejects pending calls on close.
 * A request for another process is sent as `<target>#<method>`; the supervisor's peers route it.
 */
import {
  JSONRPCClient,
  JSONRPCErrorException,
  JSONRPCServer,
  createJSONRPCErrorResponse,
  type JSONRPCID,
  type JSONRPCResponse,
} from 'json-rpc-2.0';
import type { Logger } from 'pino';
import { DuctorError, RpcError } from '../errors.js';
import { redactSecrets } from '../security/redact.js';
import {
  contract,
  isMethodName,
  type Handler,
  type Handlers,
  type MethodName,
  type NotifyMethod,
  type ParamsOf,
  type RequestMethod,
  type ResultOf,
} from './contract.js';
import * as codes from './errors.js';
import { ROUTE_SEPARATOR, TargetSchema, type Target } from './targets.js';

/** Default deadline of a request (ms). Long work (a CLI turn) is acknowledged fast and streamed. */
export const DEFAULT_REQUEST_TIMEOUT_MS = 30_000;

export type SendFn = (message: object) => void;
/** Serves a call addressed to another process (supervisor only). Throw RpcError to fail it. */
export type RouteFn = (target: Target, method: MethodName, params: unknown, isNotification: boolean) => Promise<unknown>;

export type RpcPeerOptions = {
  /** Who is on the other side, for error messages (`supervisor`, `agent:main`, …). */
  remote: string;
  send: SendFn;
  log?: Logger;
  route?: RouteFn;
  defaultTimeoutMs?: number;
};

type CallOptions = { target?: Target; timeoutMs?: number };

export class RpcPeer {
  private readonly server = new JSONRPCServer({ errorListener: () => undefined });
  private readonly client: JSONRPCClient;
  private closedReason: string | null = null;

  constructor(private readonly options: RpcPeerOptions) {
    this.client = new JSONRPCClient((request) => {
      this.transmit(request);
    });
  }

  /** Registers the handler of one method; params and result are checked against the contract. */
  handle<M extends MethodName>(method: M, handler: Handler<M>): void {
    const spec = contract[method];
    // A notification has nobody to answer: its failures are logged here or they would vanish.
    const isNotification = 'notify' in spec;
    this.server.addMethod(method, async (rawParams: unknown) => {
      const parsed = spec.params.safeParse(rawParams ?? {});
      if (!parsed.success) {
        const message = `invalid params for ${method}: ${summariseIssues(parsed.error.issues)}`;
        if (isNotification) this.options.log?.warn({ remote: this.options.remote, method }, `rpc notification dropped: ${message}`);
        throw new JSONRPCErrorException(message, codes.RPC_INVALID_PARAMS);
      }
      try {
        const result = await handler(parsed.data as never);
        return 'result' in spec ? (result ?? null) : null;
      } catch (error) {
        if (isNotification) this.options.log?.error({ remote: this.options.remote, method, err: error }, 'rpc notification handler failed');
        throw toWireError(error);
      }
    });
  }

  /** Registers several handlers at once. */
  serve(handlers: Handlers): void {
    for (const [name, handler] of Object.entries(handlers)) {
      if (handler) this.handle(name as MethodName, handler as Handler<MethodName>);
    }
  }

  /** Calls `method` on the other side (or on `target` through the supervisor); validates the result. */
  async request<M extends RequestMethod>(method: M, params: ParamsOf<M>, options: CallOptions = {}): Promise<ResultOf<M>> {
    const target = options.target ?? this.options.remote;
    if (this.closedReason !== null) {
      throw new RpcError(method, target, codes.RPC_CLOSED, `cannot call ${method} on ${target}: ${this.closedReason}`);
    }
    const wireMethod = options.target ? `${options.target}${ROUTE_SEPARATOR}${method}` : method;
    const timeoutMs = options.timeoutMs ?? this.options.defaultTimeoutMs ?? DEFAULT_REQUEST_TIMEOUT_MS;
    let raw: unknown;
    try {
      raw = await this.client
        .timeout(timeoutMs, (id: JSONRPCID) =>
          createJSONRPCErrorResponse(id, codes.RPC_TIMEOUT, `${method} on ${target} timed out after ${timeoutMs} ms`),
        )
        .request(wireMethod, params);
    } catch (error) {
      throw fromWireError(method, target, error);
    }
    const spec = contract[method];
    if (!('result' in spec)) return undefined as ResultOf<M>;
    const checked = spec.result.safeParse(raw);
    if (!checked.success) {
      throw new RpcError(method, target, codes.RPC_BAD_RESULT,
        `${method} on ${target} returned a malformed result: ${summariseIssues(checked.error.issues)}`);
    }
    return checked.data as ResultOf<M>;
  }

  /** Sends a notification (no reply). Dropped with a debug line when the channel is closed. */
  notify<M extends NotifyMethod>(method: M, params: ParamsOf<M>, options: { target?: Target } = {}): void {
    if (this.closedReason !== null) return;
    const wireMethod = options.target ? `${options.target}${ROUTE_SEPARATOR}${method}` : method;
    this.transmit({ jsonrpc: '2.0', method: wireMethod, params });
  }

  /**
   * Relays a call unchanged (the supervisor's router): no validation here, the serving end
   * validates params and the calling end validates the result.
   */
  async forward(method: MethodName, params: unknown, isNotification: boolean, timeoutMs?: number): Promise<unknown> {
    if (isNotification) {
      if (this.closedReason === null) this.transmit({ jsonrpc: '2.0', method, params });
      return undefined;
    }
    if (this.closedReason !== null) {
      throw new RpcError(method, this.options.remote, codes.RPC_CLOSED, `cannot call ${method} on ${this.options.remote}: ${this.closedReason}`);
    }
    const deadline = timeoutMs ?? this.options.defaultTimeoutMs ?? DEFAULT_REQUEST_TIMEOUT_MS;
    try {
      return await this.client
        .timeout(deadline, (id: JSONRPCID) =>
          createJSONRPCErrorResponse(id, codes.RPC_TIMEOUT, `${method} on ${this.options.remote} timed out after ${deadline} ms`),
        )
        .request(method, params);
    } catch (error) {
      throw fromWireError(method, this.options.remote, error);
    }
  }

  /** Feeds one message from the channel. Never throws: bad input is answered or logged. */
  receive(message: unknown): void {
    if (typeof message !== 'object' || message === null || Array.isArray(message)) {
      this.options.log?.warn({ remote: this.options.remote, kind: typeof message }, 'rpc dropped a non-object message');
      return;
    }
    const m = message as Record<string, unknown>;
    if (typeof m.method === 'string') {
      void this.receiveCall(m);
    } else if ('result' in m || 'error' in m) {
      try {
        this.client.receive(m as unknown as JSONRPCResponse);
      } catch (error) {
        this.options.log?.warn({ remote: this.options.remote, err: error }, 'rpc dropped a malformed response');
      }
    } else {
      this.replyError(m.id, codes.RPC_INVALID_REQUEST, 'not a JSON-RPC 2.0 request or response');
    }
  }

  /** Rejects every pending request; later calls fail at once. */
  close(reason: string): void {
    if (this.closedReason !== null) return;
    this.closedReason = reason;
    this.client.rejectAllPendingRequests(reason);
  }

  get isClosed(): boolean {
    return this.closedReason !== null;
  }

  private async receiveCall(m: Record<string, unknown>): Promise<void> {
    const method = m.method as string;
    const separator = method.indexOf(ROUTE_SEPARATOR);
    if (separator >= 0) {
      await this.receiveRouted(m, method.slice(0, separator), method.slice(separator + 1));
      return;
    }
    if (m.jsonrpc !== '2.0') {
      this.replyError(m.id, codes.RPC_INVALID_REQUEST, 'missing "jsonrpc": "2.0"');
      return;
    }
    let response: JSONRPCResponse | null;
    try {
      response = await this.server.receive(m as never);
    } catch (error) {
      this.options.log?.error({ err: error, method }, 'rpc handler crashed outside its guard');
      this.replyError(m.id, codes.RPC_INTERNAL_ERROR, 'internal error');
      return;
    }
    if (response && m.id !== undefined) this.transmit(response);
  }

  private async receiveRouted(m: Record<string, unknown>, rawTarget: string, method: string): Promise<void> {
    const isNotification = m.id === undefined;
    const target = TargetSchema.safeParse(rawTarget);
    if (!this.options.route || !target.success || !isMethodName(method)) {
      if (!isNotification) this.replyError(m.id, codes.RPC_METHOD_NOT_FOUND, `cannot route ${rawTarget}${ROUTE_SEPARATOR}${method}`);
      return;
    }
    try {
      const result = await this.options.route(target.data, method, m.params, isNotification);
      if (!isNotification) this.transmit({ jsonrpc: '2.0', id: m.id, result: result ?? null });
    } catch (error) {
      if (isNotification) {
        this.options.log?.debug({ err: error, target: rawTarget, method }, 'rpc routed notification dropped');
        return;
      }
      const wire = error instanceof RpcError
        ? { code: error.rpcCode, message: error.message, data: error.data }
        : { code: codes.RPC_HANDLER_ERROR, message: redactSecrets(describe(error)) };
      this.transmit({ jsonrpc: '2.0', id: m.id, error: wire });
    }
  }

  private replyError(id: unknown, code: number, message: string): void {
    if (typeof id !== 'string' && typeof id !== 'number') {
      this.options.log?.warn({ remote: this.options.remote, code }, `rpc dropped a bad message: ${message}`);
      return;
    }
    this.transmit(createJSONRPCErrorResponse(id, code, message));
  }

  private transmit(message: object): void {
    try {
      this.options.send(message);
    } catch (error) {
      // The channel closed under us; pending callers are rejected by close() from the exit handler.
      this.options.log?.debug({ remote: this.options.remote, err: error }, 'rpc send failed');
    }
  }
}

function toWireError(error: unknown): JSONRPCErrorException {
  if (error instanceof JSONRPCErrorException) return error;
  if (error instanceof RpcError) return new JSONRPCErrorException(error.message, error.rpcCode, error.data);
  const code = error instanceof DuctorError ? error.code : undefined;
  return new JSONRPCErrorException(redactSecrets(describe(error)), codes.RPC_HANDLER_ERROR, code ? { code } : undefined);
}

function fromWireError(method: string, target: string, error: unknown): RpcError {
  if (error instanceof RpcError) return error;
  if (error instanceof JSONRPCErrorException) return new RpcError(method, target, error.code, error.message, error.data);
  return new RpcError(method, target, codes.RPC_CLOSED, describe(error));
}

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

function summariseIssues(issues: readonly { path: PropertyKey[]; message: string }[]): string {
  return issues
    .slice(0, 3)
    .map((issue) => `${issue.path.length ? issue.path.map(String).join('.') : '(root)'}: ${issue.message}`)
    .join('; ');
}
