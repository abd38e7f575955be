/**
 * What every worker process does the same way: identity from the environment, its logger, the
 * peer to the supervisor, the standard handlers (ping, echo, rpcProbe, shutdown), exit when the
 * supervisor goes away, and fatal-error handling (log, flush, exit 1 so the supervisor restarts it).
 */
import type { Logger } from 'pino';
import { createLogger, flushLogs } from '../log/logger.js';
import { mainPaths } from '../paths.js';
import type { Handlers } from '../rpc/contract.js';
import type { RpcPeer } from '../rpc/peer.js';
import { agentTarget, AgentNameSchema, type Target, type WorkerRole } from '../rpc/targets.js';
import { startupDone } from '../startup-done.js';
import { connectToSupervisor } from './ipc-peer.js';
import { WORKER_ENV } from './env-names.js';
import { restoreChildEnv } from './process-env.js';
import { waitForBegin } from './standby.js';

export { WORKER_ENV } from './env-names.js';

/** The stop reason when the IPC channel to the supervisor closed (the supervisor was killed). */
export const SUPERVISOR_LOST = 'supervisor disconnected';

export type WorkerIdentity = { role: WorkerRole; agent: string | null; id: Target; home: string };

export type WorkerContext = WorkerIdentity & { log: Logger; peer: RpcPeer; startedAt: number };

export type WorkerHooks = {
  /** Extra handlers of this worker. */
  handlers?: (ctx: WorkerContext) => Handlers;
  /** Runs before `ready` is announced. */
  start?: (ctx: WorkerContext) => Promise<void>;
  /** Ordered stop: stop intake, abort work. Bounded by the supervisor's deadline. */
  stop?: (ctx: WorkerContext, reason: string) => Promise<void>;
};

export function readIdentity(env: NodeJS.ProcessEnv = process.env): WorkerIdentity {
  const role = env[WORKER_ENV.role];
  const home = env[WORKER_ENV.home];
  if (role !== 'transport' && role !== 'scheduler' && role !== 'agent') {
    throw new Error(`${WORKER_ENV.role} must be transport, scheduler or agent, found ${JSON.stringify(role)}`);
  }
  if (!home) throw new Error(`${WORKER_ENV.home} is not set`);
  if (role === 'agent') {
    const agent = AgentNameSchema.parse(env[WORKER_ENV.agent]);
    return { role, agent, id: agentTarget(agent), home };
  }
  return { role, agent: null, id: role, home };
}

/**
 * Milliseconds since this process started. process.uptime() instead of perf_hooks' performance.now():
 * the same clock, without loading perf_hooks and its ten internal modules into every worker.
 */
function sinceProcessStartMs(): number {
  return process.uptime() * 1000;
}

/** After start-up, one full GC: see collectStartupGarbage below. */
const STARTUP_GC_DELAY_MS = 3000;

/** Starts a worker: call once from the worker's `main.ts`. */
export async function runWorker(hooks: WorkerHooks): Promise<WorkerContext> {
  const codeLoadedAtMs = sinceProcessStartMs();
  const codeLoadedCpu = process.cpuUsage();
  const codeLoadedHeap = process.memoryUsage().heapUsed;
  await waitForBegin();
  restoreChildEnv(); // after begin, which may still set environment values
  const beginAtMs = sinceProcessStartMs();
  const identity = readIdentity();
  const fileName = identity.role === 'agent' ? `agent-${identity.agent}` : identity.role;
  const log = createLogger({
    logsDir: mainPaths(identity.home).logsDir,
    fileName,
    role: identity.role,
    agent: identity.agent ?? undefined,
    level: process.env[WORKER_ENV.logLevel],
  });
  installFatalHandlers(log);
  const peer = connectToSupervisor(log);
  const ctx: WorkerContext = { ...identity, log, peer, startedAt: Date.now() };

  let stopping = false;
  const stop = async (reason: string) => {
    if (stopping) return;
    stopping = true;
    log.info({ reason }, 'worker stopping');
    try {
      await hooks.stop?.(ctx, reason);
    } catch (error) {
      log.error({ err: error }, 'worker stop hook failed');
    }
  };

  peer.serve({
    ping: () => ({ pid: process.pid, uptimeMs: Date.now() - ctx.startedAt, rssBytes: process.memoryUsage.rss() }),
    echo: (params) => params,
    rpcProbe: async ({ target, count, payloadBytes }) => {
      const data = 'x'.repeat(payloadBytes);
      const latenciesUs: number[] = [];
      for (let i = 0; i < count; i += 1) {
        const t0 = process.hrtime.bigint();
        await peer.request('echo', { data }, target === 'supervisor' ? {} : { target });
        latenciesUs.push(Number(process.hrtime.bigint() - t0) / 1000);
      }
      return { latenciesUs };
    },
    shutdown: async ({ reason }) => {
      await stop(reason);
      // Reply first, then leave: the supervisor waits for the exit, not for more messages.
      setImmediate(() => exitWorker(log, 0));
      return { ok: true as const };
    },
    ...(hooks.handlers?.(ctx) ?? {}),
  });

  // The supervisor is gone (killed, or it closed the channel): leave rather than run orphaned.
  // The stop hook is told, so it can treat this as the crash it is rather than an orderly stop.
  process.on('disconnect', () => {
    void stop(SUPERVISOR_LOST).finally(() => exitWorker(log, 0));
  });
  process.on('SIGTERM', () => {
    void stop('SIGTERM').finally(() => exitWorker(log, 0));
  });
  // Ctrl-C in the foreground reaches the whole process group; the supervisor orders the stop.
  process.on('SIGINT', () => undefined);

  const startHookAtMs = sinceProcessStartMs();
  await hooks.start?.(ctx);
  peer.notify('ready', { id: identity.id, pid: process.pid });
  // Where a slow cold start comes from: milliseconds since this process started at which its code
  // was loaded, it was told to begin and it was ready; the start hook's share; CPU time so far.
  const cpu = process.cpuUsage();
  log.info({
    pid: process.pid,
    sinceProcessStartMs: Math.round(sinceProcessStartMs()),
    codeLoadedAtMs: Math.round(codeLoadedAtMs), // all modules evaluated (a standby worker then waits)
    beginAtMs: Math.round(beginAtMs),
    startHookMs: Math.round(sinceProcessStartMs() - startHookAtMs),
    codeLoadedCpuMs: Math.round((codeLoadedCpu.user + codeLoadedCpu.system) / 1000),
    cpuMs: Math.round((cpu.user + cpu.system) / 1000),
    codeLoadedHeapKiB: Math.round(codeLoadedHeap / 1024),
    heapKiB: Math.round(process.memoryUsage().heapUsed / 1024),
  }, 'worker ready');
  startupDone();
  setTimeout(collectStartupGarbage, STARTUP_GC_DELAY_MS).unref();
  return ctx;
}

/**
 * Start-up leaves garbage in the old generation (config parsing, home seeding, journals read),
 * and an idle worker allocates too little for V8 to run a full collection on its own, so those
 * pages stayed resident: one full GC a few seconds after ready gave ~0.2 MiB back per idle agent.
 * `gc` exists because workers run with --expose-gc (supervisor/worker-specs.ts).
 */
function collectStartupGarbage(): void {
  (globalThis as { gc?: () => void }).gc?.();
}

function installFatalHandlers(log: Logger): void {
  process.on('uncaughtException', (error) => {
    log.fatal({ err: error }, 'uncaught exception');
    exitWorker(log, 1);
  });
  process.on('unhandledRejection', (reason) => {
    log.fatal({ err: reason }, 'unhandled rejection');
    exitWorker(log, 1);
  });
}

export function exitWorker(log: Logger, code: number): never {
  log.flush?.();
  flushLogs();
  process.exit(code);
}
