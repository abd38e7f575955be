/** Connects the `ductor` command line to a running supervisor's control socket. */
import { connect } from 'node:net';
import { controlSocketPath } from './control-socket.js';
import { peerOverSocket } from './rpc/line-channel.js';
import type { RpcPeer } from './rpc/peer.js';

export type ControlConnection = { peer: RpcPeer; close: () => void };

/** Resolves with a peer, or null when no supervisor listens on this home. */
export function connectControl(home: string, timeoutMs = 2_000): Promise<ControlConnection | null> {
  return new Promise((resolve) => {
    const socket = connect(controlSocketPath(home));
    const timer = setTimeout(() => {
      socket.destroy();
      resolve(null);
    }, timeoutMs);
    socket.once('connect', () => {
      clearTimeout(timer);
      const peer = peerOverSocket(socket, 'supervisor');
      resolve({ peer, close: () => socket.end() });
    });
    socket.once('error', () => {
      clearTimeout(timer);
      resolve(null);
    });
  });
}
