/** The RPC peer of a worker process: its IPC channel to the supervisor. */
import type { Logger } from 'pino';
import { RpcPeer } from '../rpc/peer.js';

/** Wires a peer to `process.send`/`process.on('message')`. Throws when the process has no IPC channel. */
export function connectToSupervisor(log?: Logger): RpcPeer {
  const send = process.send?.bind(process);
  if (!send) throw new Error('this process was not forked with an IPC channel; start it through the supervisor');
  const peer = new RpcPeer({
    remote: 'supervisor',
    log,
    send: (message) => {
      if (process.connected) send(message);
    },
  });
  process.on('message', (message) => peer.receive(message));
  return peer;
}
