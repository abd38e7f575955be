/** Newline-delimited JSON over a stream socket, feeding an RpcPeer (the control socket's framing). */
import type { Socket } from 'node:net';
import type { Logger } from 'pino';
import { RpcPeer, type RouteFn } from './peer.js';

/** Refuse lines larger than this: nothing on the control socket is big. */
const MAX_LINE_BYTES = 8 * 1024 * 1024;

export function peerOverSocket(socket: Socket, remote: string, options: { log?: Logger; route?: RouteFn } = {}): RpcPeer {
  const peer = new RpcPeer({
    remote,
    log: options.log,
    route: options.route,
    send: (message) => {
      if (!socket.destroyed) socket.write(`${JSON.stringify(message)}\n`);
    },
  });
  let buffer = '';
  socket.setEncoding('utf8');
  socket.on('data', (chunk: string) => {
    buffer += chunk;
    if (buffer.length > MAX_LINE_BYTES) {
      options.log?.warn({ remote }, 'control socket line too long; closing');
      socket.destroy();
      return;
    }
    let newline = buffer.indexOf('\n');
    while (newline >= 0) {
      const line = buffer.slice(0, newline);
      buffer = buffer.slice(newline + 1);
      if (line.trim() !== '') {
        let message: unknown;
        try {
          message = JSON.parse(line);
        } catch {
          socket.write(`${JSON.stringify({ jsonrpc: '2.0', id: null, error: { code: -32700, message: 'parse error' } })}\n`);
          message = undefined;
        }
        if (message !== undefined) peer.receive(message);
      }
      newline = buffer.indexOf('\n');
    }
  });
  socket.on('close', () => peer.close(`${remote} disconnected`));
  socket.on('error', () => peer.close(`${remote} connection failed`));
  return peer;
}
