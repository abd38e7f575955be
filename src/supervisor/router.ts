/** Routes a worker's call for another process (`agent:main#message`) to that worker's peer. */
import { RpcError } from '../shared/errors.js';
import type { MethodName } from '../shared/rpc/contract.js';
import { RPC_METHOD_NOT_FOUND, RPC_TARGET_UNAVAILABLE } from '../shared/rpc/errors.js';
import type { RouteFn, RpcPeer } from '../shared/rpc/peer.js';
import type { Target } from '../shared/rpc/targets.js';
import type { WorkerHandle } from './worker-handle.js';

/** Routed calls carry the caller's own deadline; this only bounds bookkeeping of abandoned calls. */
const ROUTED_CALL_LIMIT_MS = 60 * 60_000;

export function createRouter(
  lookup: (target: Target) => WorkerHandle | undefined,
  lookupConsole: (target: Target) => RpcPeer | undefined = () => undefined,
): RouteFn {
  return async (target: Target, method: MethodName, params: unknown, isNotification: boolean) => {
    if (target === 'supervisor') {
      throw new RpcError(method, target, RPC_METHOD_NOT_FOUND, 'call the supervisor without a target prefix');
    }
    if (target.startsWith('console:')) {
      const console = lookupConsole(target);
      if (!console) throw new RpcError(method, target, RPC_TARGET_UNAVAILABLE, `${target} is not attached`);
      return console.forward(method, params, isNotification, ROUTED_CALL_LIMIT_MS);
    }
    const handle = lookup(target);
    if (!handle || !handle.peer || (handle.state !== 'ready' && handle.state !== 'starting')) {
      throw new RpcError(method, target, RPC_TARGET_UNAVAILABLE,
        `${target} is not running (${handle ? handle.state : 'unknown worker'})`);
    }
    return handle.peer.forward(method, params, isNotification, ROUTED_CALL_LIMIT_MS);
  };
}
