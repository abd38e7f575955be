/**
 * One worker child process: fork, an explicit state machine (starting → ready → stopping →
 * stopped | crashed), a deadline on start and on stop, and one `exit` event that says whether
 * the exit was planned. The supervisor decides what to do with an unplanned exit.
 */
import type { ChildProcess } from 'node:child_process';
import { EventEmitter } from 'node:events';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Logger } from 'pino';
import type { Handlers, WorkerStatus } from '../shared/rpc/contract.js';
import { RpcPeer, type RouteFn } from '../shared/rpc/peer.js';
import type { Target } from '../shared/rpc/targets.js';
import { forkWorker, workerEnv, type StandbyWorker } from './fork-worker.js';

/** A worker must announce `ready` within this time after fork (ms). */
export const READY_TIMEOUT_MS = 20_000;
/** Time given to the `shutdown` request before SIGTERM (ms). */
export const SHUTDOWN_DEADLINE_MS = 5_000;
/** Time between SIGTERM and SIGKILL (ms). */
export const KILL_GRACE_MS = 2_000;

export type WorkerSpec = {
  id: Target;
  role: 'transport' | 'scheduler' | 'agent';
  agent: string | null;
  entry: string;
  /** Arguments after the entry (the launcher's bundle name). */
  args?: string[];
  execArgv: string[];
  env: NodeJS.ProcessEnv;
};

export type WorkerState = WorkerStatus['state'];
export type ExitInfo = { code: number | null; signal: NodeJS.Signals | null; planned: boolean; uptimeMs: number };

export class WorkerHandle extends EventEmitter<{ exit: [ExitInfo]; ready: [] }> {
  state: WorkerState = 'stopped';
  child: ChildProcess | null = null;
  peer: RpcPeer | null = null;
  restarts = 0;
  startedAtMs: number | null = null;
  lastExit: WorkerStatus['lastExit'] = null;
  private planned = false;
  private readyWaiter: { resolve: () => void; reject: (e: Error) => void } | null = null;

  constructor(
    readonly spec: WorkerSpec,
    private readonly serve: (handle: WorkerHandle) => Handlers,
    private readonly route: RouteFn,
    private readonly log: Logger,
    /** Runs before every fork (the supervisor stops an agent's orphaned CLIs here). */
    private readonly beforeStart: () => Promise<void> = async () => undefined,
    /** Hands over a worker forked ahead of time for this id, if there is one. */
    private readonly takeStandby?: (id: Target) => StandbyWorker | null,
  ) {
    super();
  }

  get id(): Target {
    return this.spec.id;
  }

  get pid(): number | null {
    return this.child?.pid ?? null;
  }

  /** Forks the worker and resolves once it announced `ready`; rejects on early exit or deadline. */
  async start(): Promise<void> {
    if (this.state === 'starting' || this.state === 'ready') return;
    this.state = 'starting';
    this.planned = false;
    await this.beforeStart().catch((error: unknown) => this.log.warn({ worker: this.spec.id, err: error }, 'pre-start cleanup failed'));
    // A worker forked ahead of time (prefork.ts) has loaded its code already; it starts on `begin`.
    const standby = this.takeStandby?.(this.spec.id) ?? null;
    const child = standby?.child ?? forkWorker(this.spec);
    this.child = child;
    this.startedAtMs = Date.now();
    const peer = new RpcPeer({
      remote: this.spec.id,
      log: this.log,
      route: this.route,
      send: (message) => {
        if (child.connected) child.send(message);
      },
    });
    this.peer = peer;
    peer.serve({
      ...this.serve(this),
      ready: ({ id }) => {
        if (id !== this.spec.id) this.log.warn({ worker: this.spec.id, claimed: id }, 'worker announced a different id');
        this.markReady();
      },
    });
    child.on('message', (message) => peer.receive(message));
    child.once('exit', (code, signal) => this.onExit(child, code, signal));
    if (standby) {
      peer.notify('begin', { env: changedEnv(standby.env, workerEnv(this.spec)) });
    }
    child.on('error', (error) => {
      // A send racing the worker's own exit during a stop fails with EPIPE; that is expected.
      if (this.state === 'stopping') this.log.debug({ worker: this.spec.id, err: error }, 'worker process error while stopping');
      else this.log.error({ worker: this.spec.id, err: error }, 'worker process error');
    });

    const ready = new Promise<void>((resolve, reject) => {
      this.readyWaiter = { resolve, reject };
    });
    const deadline = setTimeout(() => {
      this.readyWaiter?.reject(new Error(`${this.spec.id} did not report ready within ${READY_TIMEOUT_MS} ms`));
      this.readyWaiter = null;
      child.kill('SIGKILL');
    }, READY_TIMEOUT_MS);
    deadline.unref();
    try {
      await ready;
    } finally {
      clearTimeout(deadline);
    }
  }

  /** Ordered stop: `shutdown` request, SIGTERM after the deadline, SIGKILL after the grace. */
  async stop(reason: string): Promise<void> {
    const child = this.child;
    if (!child || child.exitCode !== null || child.signalCode !== null) {
      this.state = 'stopped';
      return;
    }
    this.planned = true;
    this.state = 'stopping';
    // Not events.once: it rejects on 'error', and a send to a worker that is already exiting
    // (SIGTERM sent to the whole process group, as systemd and terminals do) fails with EPIPE.
    const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    const shutdownRequest = this.peer?.request('shutdown', { reason }, { timeoutMs: SHUTDOWN_DEADLINE_MS }).catch(() => undefined);
    if (await settlesWithin(exited, SHUTDOWN_DEADLINE_MS)) return;
    await shutdownRequest;
    this.log.warn({ worker: this.spec.id }, 'worker ignored shutdown; sending SIGTERM');
    child.kill('SIGTERM');
    if (await settlesWithin(exited, KILL_GRACE_MS)) return;
    this.log.warn({ worker: this.spec.id }, 'worker ignored SIGTERM; sending SIGKILL');
    child.kill('SIGKILL');
    await exited;
  }

  status(nowMs = Date.now()): WorkerStatus {
    return {
      id: this.spec.id,
      role: this.spec.role,
      agent: this.spec.agent,
      pid: this.state === 'ready' || this.state === 'starting' || this.state === 'stopping' ? this.pid : null,
      state: this.state,
      uptimeMs: this.state === 'ready' && this.startedAtMs !== null ? nowMs - this.startedAtMs : null,
      restarts: this.restarts,
      lastExit: this.lastExit,
    };
  }

  private markReady(): void {
    if (this.state !== 'starting') return;
    this.state = 'ready';
    this.readyWaiter?.resolve();
    this.readyWaiter = null;
    this.emit('ready');
  }

  private onExit(child: ChildProcess, code: number | null, signal: NodeJS.Signals | null): void {
    if (child !== this.child) return;
    const uptimeMs = this.startedAtMs === null ? 0 : Date.now() - this.startedAtMs;
    this.lastExit = { code, signal, at: new Date().toISOString() };
    this.peer?.close(`${this.spec.id} exited (code ${code}, signal ${signal})`);
    const planned = this.planned;
    this.state = planned ? 'stopped' : 'crashed';
    this.readyWaiter?.reject(new Error(`${this.spec.id} exited before it was ready (code ${code}, signal ${signal})`));
    this.readyWaiter = null;
    this.emit('exit', { code, signal, planned, uptimeMs });
  }
}

/** The variables whose final value differs from what a standby worker was forked with. */
function changedEnv(before: NodeJS.ProcessEnv, after: NodeJS.ProcessEnv): Record<string, string> {
  const changed: Record<string, string> = {};
  for (const [key, value] of Object.entries(after)) {
    if (value !== undefined && before[key] !== value) changed[key] = value;
  }
  return changed;
}

async function settlesWithin(promise: Promise<unknown>, ms: number): Promise<boolean> {
  const timer = new AbortController();
  const result = await Promise.race([
    promise.then(() => true),
    sleep(ms, false, { signal: timer.signal }).catch(() => false),
  ]);
  timer.abort();
  return result;
}
