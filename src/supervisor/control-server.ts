/** The supervisor's control socket: the `ductor` command line speaks JSON-RPC to it. */
import { mkdir, rm } from 'node:fs/promises';
import { createServer, type Server, type Socket } from 'node:net';
import { dirname } from 'node:path';
import type { Logger } from 'pino';
import type { Handlers } from '../shared/rpc/contract.js';
import { peerOverSocket } from '../shared/rpc/line-channel.js';
import type { RouteFn, RpcPeer } from '../shared/rpc/peer.js';

export type ControlServer = { close: () => Promise<void> };

export async function startControlServer(options: {
  socketPath: string;
  /** Handlers for one connection; `onClose` registers cleanup for when it goes away. */
  handlers: (peer: RpcPeer, onClose: (cleanup: () => void) => void) => Handlers;
  route: RouteFn;
  log: Logger;
}): Promise<ControlServer> {
  const { socketPath, log } = options;
  if (process.platform !== 'win32') {
    await mkdir(dirname(socketPath), { recursive: true, mode: 0o700 });
    // A socket file left by a killed supervisor blocks listen(); we hold the home lock, so it is ours.
    await rm(socketPath, { force: true });
  }
  const sockets = new Set<Socket>();
  const server: Server = createServer((socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    const peer = peerOverSocket(socket, 'control', { log, route: options.route });
    peer.serve(options.handlers(peer, (cleanup) => socket.once('close', cleanup)));
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(socketPath, () => {
      server.off('error', reject);
      resolve();
    });
  });
  log.debug({ socketPath }, 'control socket listening');
  return {
    close: async () => {
      for (const socket of sockets) socket.end();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      if (process.platform !== 'win32') await rm(socketPath, { force: true });
    },
  };
}
