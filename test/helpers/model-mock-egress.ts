/**
 * An egress trap for the real-CLI tests: an HTTP proxy on 127.0.0.1 that every CLI is pointed at
 * (HTTP(S)_PROXY, with NO_PROXY for loopback so the model mocks are reached directly). It refuses
 * every request and CONNECT and records the host, so a test can assert that a CLI tried to reach
 * nothing outside the machine: no telemetry, no update check, no model call past the mock.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

export type EgressTrap = {
  url: string;
  /** `CONNECT host:port` or `GET http://host/path`, in arrival order. */
  attempts: string[];
  /** Proxy variables for a CLI's environment. */
  env(): Record<string, string>;
  close(): Promise<void>;
};

export async function startEgressTrap(): Promise<EgressTrap> {
  const attempts: string[] = [];
  const server = createServer((req, res) => {
    attempts.push(`${req.method ?? ''} ${req.url ?? ''}`);
    res.writeHead(403, { 'content-type': 'text/plain' });
    res.end('egress refused by the ductor test trap\n');
  });
  server.on('connect', (req, socket) => {
    attempts.push(`CONNECT ${req.url ?? ''}`);
    socket.end('HTTP/1.1 403 Forbidden\r\ncontent-length: 0\r\n\r\n');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  const url = `http://127.0.0.1:${port}`;
  return {
    url,
    attempts,
    env: () => ({
      HTTP_PROXY: url,
      HTTPS_PROXY: url,
      http_proxy: url,
      https_proxy: url,
      ALL_PROXY: url,
      all_proxy: url,
      NO_PROXY: '127.0.0.1,localhost',
      no_proxy: '127.0.0.1,localhost',
    }),
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
