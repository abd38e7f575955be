/**
 * The webhook HTTP server: express on host:port, `GET /health` and
 * `POST /hooks/:id`. Checks run in the spec's order — rate limit (429), content type (415),
 * body size (413), JSON (400), hook exists (404), hook enabled (403), auth (401) — then the
 * request is answered 202 and the injected `dispatch` runs in the background; its status is
 * handed to `recordTrigger`. Headers and bodies are never logged: they carry secrets.
 */
import { once } from 'node:events';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import express, { type NextFunction, type Request, type Response } from 'express';
import type { Webhook } from '../../shared/automation/cron-jobs-file.js';
import { silentLog, type SchedulerLog } from './scheduler-log.js';
import { SlidingWindowLimiter } from './sliding-window.js';
import { verifyWebhookAuth } from './webhook-auth.js';

export const DEFAULT_WEBHOOK_HOST = '127.0.0.1';
export const DEFAULT_WEBHOOK_PORT = 8742;
export const DEFAULT_MAX_BODY_BYTES = 262_144;
export const DEFAULT_RATE_LIMIT_PER_MINUTE = 30;
const RATE_WINDOW_MS = 60_000;

export interface TriggerRecord {
  status: string;
  at: Date;
}

export interface WebhookServerOptions {
  /** Default 127.0.0.1; exposing the server is the user's job (tunnel, reverse proxy). */
  host?: string;
  /** Default 8742; 0 picks a free port (tests). */
  port?: number;
  /** `webhooks.max_body_bytes`, default 262144. */
  maxBodyBytes?: number;
  /** `webhooks.rate_limit_per_minute`, default 30; ≤ 0 disables the limit. */
  rateLimitPerMinute?: number;
  /**
   * `global` (spec: all hooks together, counted before auth) or `per_hook` (each known hook has
   * its own window; requests for unknown ids share one). Default `global`.
   */
  rateLimitScope?: 'global' | 'per_hook';
  /** `webhooks.token`, the bearer fallback for hooks without their own token; read per request. */
  globalToken?: () => string | null | undefined;
  /** The current hook with this id (the caller keeps the list fresh from webhooks.json). */
  getHook: (id: string) => Webhook | undefined;
  /** Handles an accepted request; resolves with its status (`success`, `error:…`, `skipped:…`). */
  dispatch: (hook: Webhook, payload: Record<string, unknown>) => Promise<string> | string;
  /** Stores trigger count, time and last error (e.g. `recordHookTrigger`). */
  recordTrigger?: (hook: Webhook, record: TriggerRecord) => Promise<void> | void;
  /** Clock for the rate limiter and trigger times. */
  now?: () => Date;
  log?: SchedulerLog;
}

export interface WebhookServer {
  readonly host: string;
  readonly port: number;
  /** `http://host:port` */
  readonly url: string;
  /** Resolves when every dispatch started so far has finished and been recorded. */
  idle(): Promise<void>;
  /** Stops listening and drops open connections; running dispatches are not awaited. */
  close(): Promise<void>;
}

/** Builds the express app alone (no listening); `inFlight` collects running dispatches. */
export function createWebhookApp(options: WebhookServerOptions, inFlight: Set<Promise<void>> = new Set()) {
  const log = options.log ?? silentLog;
  const now = options.now ?? (() => new Date());
  const limiter = new SlidingWindowLimiter(
    options.rateLimitPerMinute ?? DEFAULT_RATE_LIMIT_PER_MINUTE,
    RATE_WINDOW_MS,
    () => now().getTime(),
  );
  const app = express();
  app.disable('x-powered-by');

  app.get('/health', (_req, res) => {
    res.status(200).json({ status: 'ok' });
  });

  const rateLimit = (req: Request, res: Response, next: NextFunction) => {
    const id = String(req.params.id);
    const key = options.rateLimitScope === 'per_hook' ? (options.getHook(id) ? `hook:${id}` : 'unknown') : 'global';
    if (limiter.tryHit(key)) return next();
    log.warn({ hook: id }, 'webhook rate limited');
    res.status(429).json({ error: 'rate_limited' });
  };

  const requireJson = (req: Request, res: Response, next: NextFunction) => {
    const type = (req.headers['content-type'] ?? '').split(';')[0]?.trim().toLowerCase();
    if (type === 'application/json') return next();
    res.status(415).json({ error: 'content_type_must_be_json' });
  };

  const readBody = express.raw({
    type: () => true,
    limit: options.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES,
  });

  app.post('/hooks/:id', rateLimit, requireJson, readBody, (req: Request, res: Response) => {
    const id = String(req.params.id);
    const raw: Buffer = Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0);
    let payload: unknown;
    try {
      payload = JSON.parse(raw.toString('utf8'));
    } catch {
      res.status(400).json({ error: 'invalid_json' });
      return;
    }
    if (typeof payload !== 'object' || payload === null || Array.isArray(payload)) {
      res.status(400).json({ error: 'body_must_be_object' });
      return;
    }
    const hook = options.getHook(id);
    if (!hook) {
      res.status(404).json({ error: 'hook_not_found' });
      return;
    }
    if (!hook.enabled) {
      res.status(403).json({ error: 'hook_disabled' });
      return;
    }
    const auth = verifyWebhookAuth(req.headers, raw, hook, options.globalToken?.());
    if (!auth.ok) {
      log.warn({ hook: id, mode: hook.auth_mode, reason: auth.reason }, 'webhook refused: unauthorized');
      res.status(401).json({ error: 'unauthorized' });
      return;
    }
    res.status(202).json({ accepted: true, hook_id: id });
    log.info({ hook: id, mode: hook.mode }, 'webhook accepted');
    const job = runDispatch(hook, payload as Record<string, unknown>);
    inFlight.add(job);
    void job.finally(() => inFlight.delete(job));
  });

  app.use((_req: Request, res: Response) => {
    res.status(404).json({ error: 'not_found' });
  });

  // Body-parser errors carry a status (413 too large, 400 aborted, 415 bad charset); never the body.
  app.use((error: unknown, req: Request, res: Response, next: NextFunction) => {
    if (res.headersSent) return next(error);
    const status = httpStatusOf(error);
    const type = (error as { type?: unknown }).type;
    log.warn({ path: req.path, status, type: typeof type === 'string' ? type : undefined }, 'webhook request failed');
    if (status === 413) res.status(413).json({ error: 'payload_too_large' });
    else if (status >= 400 && status < 500) res.status(status).json({ error: 'bad_request' });
    else res.status(500).json({ error: 'internal_error' });
  });

  async function runDispatch(hook: Webhook, payload: Record<string, unknown>): Promise<void> {
    let status: string;
    try {
      status = await options.dispatch(hook, payload);
    } catch (error) {
      log.error({ hook: hook.id, err: error instanceof Error ? error.name : 'unknown' }, 'webhook dispatch threw');
      status = 'error:exception';
    }
    log.info({ hook: hook.id, status }, 'webhook handled');
    try {
      await options.recordTrigger?.(hook, { status, at: now() });
    } catch (error) {
      log.error({ hook: hook.id, err: error instanceof Error ? error.message : String(error) }, 'webhook trigger not recorded');
    }
  }

  return app;
}

/** Starts listening; rejects if the port cannot be bound (e.g. EADDRINUSE). */
export async function startWebhookServer(options: WebhookServerOptions): Promise<WebhookServer> {
  const inFlight = new Set<Promise<void>>();
  const app = createWebhookApp(options, inFlight);
  const server: Server = createServer(app);
  const host = options.host ?? DEFAULT_WEBHOOK_HOST;
  server.listen(options.port ?? DEFAULT_WEBHOOK_PORT, host);
  await once(server, 'listening');
  const port = (server.address() as AddressInfo).port;
  options.log?.info({ host, port }, 'webhook server listening');
  const urlHost = host.includes(':') ? `[${host}]` : host;
  return {
    host,
    port,
    url: `http://${urlHost}:${port}`,
    idle: async () => {
      while (inFlight.size > 0) await Promise.all([...inFlight]);
    },
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((error) => (error ? reject(error) : resolve()));
        server.closeAllConnections();
      }),
  };
}

function httpStatusOf(error: unknown): number {
  const value = (error as { status?: unknown; statusCode?: unknown } | null)?.status ?? (error as { statusCode?: unknown } | null)?.statusCode;
  return typeof value === 'number' ? value : 500;
}
