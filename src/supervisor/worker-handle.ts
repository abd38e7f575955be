/**
 * One worker child process: fork, an explicit state machine (starting → ready → stopping →
 * stopped | crashed), a deadline on start and on stop, and one `exit` event that says whether
 * the exit was planned. The supervisor decides what to do with an unplanned exit.
 *
 * A ready worker is pinged all along: one whose event loop is stuck (alive, but answering
 * nothing) misses `misses` pings in a row, is killed, and so exits unplanned and is restarted
 * like a crash.
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

/** How a ready worker is checked for life: a `ping` every `intervalMs`, each allowed `timeoutMs`. */
export type Liveness = { intervalMs: number; timeoutMs: number; misses: number };
/** About 30 s of silence: far beyond any legitimate pause of a worker's event loop. */
export const DEFAULT_LIVENESS: Liveness = { intervalMs: 10_000, timeoutMs: 10_000, misses: 3 };

export type WorkerSpec = {
  id: Target;
  role: 'transport' | 'scheduler' | 'agent';
  agent: string | null;
  entry: string;
  /** Arguments after the entry (the launcher's bundle name). */
  args?: string[];
  execArgv: string[];
  env: NodeJS.ProcessEnv;
  /** Default DEFAULT_LIVENESS. */
  liveness?: Liveness;
};

export type WorkerState = WorkerStatus['state'];
/** `hung`: killed because it stopped answering ping. */
export type ExitInfo = { code: number | null; signal: NodeJS.Signals | null; planned: boolean; uptimeMs: number; hung?: boolean };

export class WorkerHandle extends EventEmitter<{ exit: [ExitInfo]; ready: [] }> {
  state: WorkerState = 'stopped';
  child: ChildProcess | null = null;
  peer: RpcPeer | null = null;
  restarts = 0;
  startedAtMs: number | null = null;
  lastExit: WorkerStatus['lastExit'] = null;
  private planned = false;
  private hung = false;
  private livenessTimer: NodeJS.Timeout | null = null;
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
    this.hung = false;
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

  /**
   * Ordered stop: `shutdown` request, SIGTERM after the deadline, SIGKILL after the grace. An agent
   * worker gets a longer deadline: its running turns may finish first.
   */
  async stop(reason: string, deadlineMs = SHUTDOWN_DEADLINE_MS): Promise<void> {
    const child = this.child;
    if (!child || child.exitCode !== null || child.signalCode !== null) {
      this.state = 'stopped';
      return;
    }
    this.planned = true;
    this.state = 'stopping';
    this.stopLiveness();
    // Not events.once: it rejects on 'error', and a send to a worker that is already exiting
    // (SIGTERM sent to the whole process group, as systemd and terminals do) fails with EPIPE.
    const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    const shutdownRequest = this.peer?.request('shutdown', { reason }, { timeoutMs: deadlineMs }).catch(() => undefined);
    if (await settlesWithin(exited, deadlineMs)) return;
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
    if (this.child && this.peer) this.watchLiveness(this.child, this.peer);
    this.emit('ready');
  }

  /** Pings the ready worker; `misses` unanswered pings in a row mean it hangs, and it is killed. */
  private watchLiveness(child: ChildProcess, peer: RpcPeer): void {
    this.stopLiveness();
    const { intervalMs, timeoutMs, misses } = this.spec.liveness ?? DEFAULT_LIVENESS;
    const current = () => this.state === 'ready' && child === this.child && !peer.isClosed;
    let missed = 0;
    let waiting = false;
    const timer = setInterval(() => {
      if (waiting || !current()) return;
      waiting = true;
      peer.request('ping', {}, { timeoutMs }).then(
        () => {
          missed = 0;
        },
        (error: unknown) => {
          if (!current()) return;
          missed += 1;
          this.log.warn({ worker: this.spec.id, missed, misses, err: error instanceof Error ? error.message : String(error) }, 'worker did not answer ping');
          if (missed < misses) return;
          this.log.error({ worker: this.spec.id, pid: child.pid, missed }, 'worker stopped answering (its event loop is stuck); killing it so it is restarted');
          this.hung = true;
          this.stopLiveness();
          child.kill('SIGKILL');
        },
      ).finally(() => {
        waiting = false;
      });
    }, intervalMs);
    timer.unref();
    this.livenessTimer = timer;
  }

  private stopLiveness(): void {
    if (this.livenessTimer) clearInterval(this.livenessTimer);
    this.livenessTimer = null;
  }

  private onExit(child: ChildProcess, code: number | null, signal: NodeJS.Signals | null): void {
    if (child !== this.child) return;
    this.stopLiveness();
    const uptimeMs = this.startedAtMs === null ? 0 : Date.now() - this.startedAtMs;
    this.lastExit = { code, signal, at: new Date().toISOString() };
    this.peer?.close(`${this.spec.id} exited (code ${code}, signal ${signal})`);
    const planned = this.planned;
    this.state = planned ? 'stopped' : 'crashed';
    this.readyWaiter?.reject(new Error(`${this.spec.id} exited before it was ready (code ${code}, signal ${signal})`));
    this.readyWaiter = null;
    this.emit('exit', { code, signal, planned, uptimeMs, hung: this.hung });
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
