/**
 * The internal API the agents' tool scripts call: HTTP on 127.0.0.1:<interagent_port> (app.ts
 * has the routes, every one behind the per-home bearer secret). The port is open from the
 * scheduler's start; the express app is built when the first request comes, so a scheduler that
 * is never called does not load express at all.
 */
import { once } from 'node:events';
import { createServer, type IncomingMessage, type RequestListener, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { InternalApiDeps } from './app.js';

export type { InternalApiDeps } from './app.js';

export type InternalApi = { url: string; port: number; close: () => Promise<void> };

export async function startInternalApi(deps: InternalApiDeps): Promise<InternalApi> {
  let app: Promise<RequestListener> | null = null;
  const appOnce = () => (app ??= import('./app.js').then(({ internalApiApp }) => internalApiApp(deps)));
  // The request's body waits in its stream until the app reads it.
  const handle = (req: IncomingMessage, res: ServerResponse) => {
    appOnce().then((listener) => listener(req, res), (error: unknown) => {
      app = null; // try again on the next request
      deps.log.error({ err: error }, 'internal API could not load its routes');
      res.statusCode = 500;
      res.setHeader('content-type', 'application/json');
      res.end(JSON.stringify({ success: false, error: 'internal API unavailable' }));
    });
  };
  const server: Server = createServer(handle);
  server.listen(deps.port, deps.host);
  await once(server, 'listening');
  const port = (server.address() as AddressInfo).port;
  deps.log.info({ host: deps.host, port }, 'internal API listening');
  return {
    url: `http://${deps.host}:${port}`,
    port,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
