/**
 * The supervisor's core: owns the worker handles, starts them, restarts a crashed one alone with
 * backoff, restarts all of them on exit code 42 or on request, and stops them in order.
 */
import { catalogue } from '../shared/i18n/index.js';
import type { Logger } from 'pino';
import { EXIT_RESTART } from '../shared/exit-codes.js';
import { cliOwnerMarker, findProcessesByMarker, stopMarkedProcesses } from '../shared/orphan-processes.js';
import type { Handlers, SupervisorStatus, WorkerStatus } from '../shared/rpc/contract.js';
import type { RpcPeer } from '../shared/rpc/peer.js';
import { consoleTarget, type Target } from '../shared/rpc/targets.js';
import { backoffMs, emptyHistory, isCrashLoop, recordCrash, shouldGiveUp, subAgentBackoffMs, type CrashHistory } from './restart-policy.js';
import type { StandbyWorker } from './fork-worker.js';
import { createRouter } from './router.js';
import { turnGraceMs } from '../shared/worker/turn-grace.js';
import { SHUTDOWN_DEADLINE_MS, WorkerHandle, type ExitInfo, type WorkerSpec } from './worker-handle.js';

export type SupervisorOptions = {
  home: string;
  version: string;
  log: Logger;
  specs: WorkerSpec[];
  /** Called when a worker or the control socket asks for a full stop. */
  onStopRequested: (reason: string) => void;
  /** Called when the whole process must be replaced (restartProcess); default: an ordinary stop. */
  onProcessRestartRequested?: (reason: string) => void;
  /** Builds the spec of a sub-agent added to agents.json while running. */
  agentSpec?: (name: string) => WorkerSpec;
  /** Prepares a sub-agent's home before its first start. */
  prepareAgent?: (name: string) => Promise<void>;
  /** Hands over a worker forked ahead of time (prefork.ts), if there is one for this id. */
  takeStandby?: (id: Target) => StandbyWorker | null;
  /** The chat language of operational notices at start; `useLanguage` follows config changes. */
  language?: string;
};

export class Supervisor {
  readonly handles = new Map<Target, WorkerHandle>();
  private readonly histories = new Map<Target, CrashHistory>();
  private readonly restartTimers = new Map<Target, NodeJS.Timeout>();
  private readonly startedAt = new Date();
  private phase: 'idle' | 'running' | 'restarting' | 'stopping' | 'stopped' = 'idle';
  private restartAllInFlight: Promise<void> | null = null;
  /** What startAll's one pass over the processes found, per agent marker not yet started. */
  private orphansFound: { found: Map<string, number[]>; markers: Set<string> } | null = null;
  /** `ductor chat` terminals attached to the control socket, by console id. */
  private readonly consoles = new Map<string, RpcPeer>();
  private nextConsoleId = 1;
  readonly route = createRouter((target) => this.handles.get(target), (target) => this.consoles.get(target));

  /** Registers a terminal's connection; returns its id and a function to call when it disconnects. */
  attachConsole(peer: RpcPeer): { consoleId: number; detach: () => void } {
    const consoleId = this.nextConsoleId++;
    const target = consoleTarget(consoleId);
    this.consoles.set(target, peer);
    return { consoleId, detach: () => this.consoles.delete(target) };
  }

  constructor(private readonly options: SupervisorOptions) {
    for (const spec of options.specs) this.addHandle(spec);
  }

  /** Handlers every worker (and the control socket) may call on the supervisor. */
  supervisorHandlers(): Handlers {
    return {
      status: () => this.status(),
      restartAll: async ({ reason }) => {
        void this.restartAll(reason);
        return { ok: true as const };
      },
      stop: ({ reason }) => {
        this.options.onStopRequested(reason);
        return { ok: true as const };
      },
      restartProcess: ({ reason }) => {
        (this.options.onProcessRestartRequested ?? this.options.onStopRequested)(reason);
        return { ok: true as const };
      },
      ping: () => ({ pid: process.pid, uptimeMs: Date.now() - this.startedAt.getTime(), rssBytes: process.memoryUsage.rss() }),
      echo: (params) => params,
      agentControl: async ({ name, action }) => {
        const target = `agent:${name}` as Target;
        const worker = action === 'start' ? await this.startWorker(target)
          : action === 'stop' ? await this.stopWorker(target, '/agent_stop')
            : await this.restartWorker(target, '/agent_restart');
        return { worker };
      },
    };
  }

  /** Starts every worker in parallel and waits until each is ready (or failed its first start). */
  async startAll(): Promise<void> {
    this.phase = 'running';
    // One pass over the processes for every agent's orphaned CLIs, instead of one per agent.
    const markers = [...this.handles.values()].flatMap((h) => (h.spec.role === 'agent' && h.spec.agent ? [cliOwnerMarker(this.options.home, h.spec.agent)] : []));
    this.orphansFound = { found: findProcessesByMarker(markers), markers: new Set(markers) };
    const results = await Promise.allSettled([...this.handles.values()].map((h) => h.start()));
    results.forEach((result, index) => {
      if (result.status === 'rejected') {
        const id = [...this.handles.keys()][index];
        this.options.log.error({ worker: id, err: result.reason }, 'worker failed to start; it will be retried');
      }
    });
  }

  /**
   * Stops all workers in order: the scheduler (no new automation turns), then the agents, which
   * take no new messages and give running turns the grace to finish, then the transport, which was
   * kept so those answers still reach the user. Updates refused meanwhile stay on Telegram's side.
   */
  async stopAll(reason: string): Promise<void> {
    for (const timer of this.restartTimers.values()) clearTimeout(timer);
    this.restartTimers.clear();
    const handles = [...this.handles.values()];
    const byRole = (role: string) => handles.filter((h) => h.spec.role === role);
    await Promise.all(byRole('scheduler').map((h) => h.stop(reason)));
    await Promise.all(byRole('agent').map((h) => h.stop(reason, stopDeadlineMs(h))));
    await Promise.all(byRole('transport').map((h) => h.stop(reason)));
  }

  /** Stops and starts every worker from the code on disk. Concurrent requests share one restart. */
  restartAll(reason: string): Promise<void> {
    if (this.phase === 'stopping' || this.phase === 'stopped') return Promise.resolve();
    if (this.restartAllInFlight) return this.restartAllInFlight;
    this.options.log.info({ reason }, 'restarting all workers');
    this.phase = 'restarting';
    this.restartAllInFlight = (async () => {
      try {
        await this.stopAll(`restart: ${reason}`);
        if (this.phase !== 'restarting') return;
        this.histories.clear();
        await this.startAll();
      } finally {
        this.restartAllInFlight = null;
      }
    })();
    return this.restartAllInFlight;
  }

  /** Final stop; after it the supervisor starts nothing again. */
  async shutdown(reason: string): Promise<void> {
    if (this.phase === 'stopped') return;
    this.phase = 'stopping';
    await this.restartAllInFlight?.catch(() => undefined);
    await this.stopAll(reason);
    this.phase = 'stopped';
  }

  status(): SupervisorStatus {
    const now = Date.now();
    return {
      pid: process.pid,
      home: this.options.home,
      version: this.options.version,
      startedAt: this.startedAt.toISOString(),
      uptimeMs: now - this.startedAt.getTime(),
      workers: [...this.handles.values()].map((h) => h.status(now)),
    };
  }

  /** The pids startAll found for `marker`, handed out once; later starts scan again. */
  private takeOrphansFound(marker: string): number[] | undefined {
    if (!this.orphansFound?.markers.has(marker)) return undefined;
    this.orphansFound.markers.delete(marker);
    return this.orphansFound.found.get(marker) ?? [];
  }

  private addHandle(spec: WorkerSpec): WorkerHandle {
    const handle = new WorkerHandle(spec, () => this.supervisorHandlers(), this.route, this.options.log, async () => {
      if (spec.role !== 'agent' || !spec.agent) return;
      // CLIs of a previous run of this agent that outlived their worker would keep running unseen.
      const marker = cliOwnerMarker(this.options.home, spec.agent);
      const stopped = await stopMarkedProcesses(marker, this.takeOrphansFound(marker));
      if (stopped > 0) this.options.log.warn({ worker: spec.id, stopped }, 'stopped CLI processes left by a previous agent worker');
    }, this.options.takeStandby);
    handle.on('exit', (info) => this.onWorkerExit(handle, info));
    this.handles.set(spec.id, handle);
    return handle;
  }

  private onWorkerExit(handle: WorkerHandle, info: ExitInfo): void {
    const log = this.options.log;
    if (info.planned) {
      log.info({ worker: handle.id, code: info.code, signal: info.signal }, 'worker stopped');
      return;
    }
    if (this.phase !== 'running') return;
    if (info.code === EXIT_RESTART) {
      log.info({ worker: handle.id }, 'worker asked for a restart (exit 42)');
      void this.restartAll(`${handle.id} exited with 42`);
      return;
    }
    const history = recordCrash(this.histories.get(handle.id) ?? emptyHistory(), Date.now(), info.uptimeMs);
    this.histories.set(handle.id, history);
    const isSubAgent = handle.spec.role === 'agent' && handle.spec.agent !== 'main';
    if (isSubAgent && shouldGiveUp(history)) {
      // As the original: a sub-agent that keeps crashing is given up, and the main agent's users are told.
      log.error({ worker: handle.id, crashes: history.consecutive }, 'sub-agent given up after repeated crashes');
      this.notify('main', this.text().subAgentGivenUp(handle.spec.agent ?? handle.id, history.consecutive, String(info.code), String(info.signal)));
      return;
    }
    const delayMs = isSubAgent ? subAgentBackoffMs(history) : backoffMs(history);
    log.warn({ worker: handle.id, code: info.code, signal: info.signal, uptimeMs: info.uptimeMs, delayMs }, 'worker exited unexpectedly; restarting');
    handle.state = 'backoff';
    if (isCrashLoop(history)) this.reportCrashLoop(handle, history);
    const timer = setTimeout(() => {
      this.restartTimers.delete(handle.id);
      if (this.phase !== 'running') return;
      handle.restarts += 1;
      handle.start().catch((error: unknown) => log.error({ worker: handle.id, err: error }, 'worker restart failed'));
    }, delayMs);
    this.restartTimers.set(handle.id, timer);
  }

  private reportCrashLoop(handle: WorkerHandle, history: CrashHistory): void {
    const text = this.text().workerCrashLoop(handle.id, history.crashTimesMs.length);
    this.options.log.error({ worker: handle.id, crashes: history.crashTimesMs.length }, 'worker crash loop');
    if (handle.id === 'transport') return;
    this.notify(handle.spec.agent ?? 'main', text);
  }

  private language: string | undefined;

  /** Operational notices speak the configured language; called again after each config change. */
  useLanguage(language: string): void {
    this.language = language;
  }

  private text() {
    return catalogue(this.language ?? this.options.language ?? 'en');
  }

  /** Tells an agent's primary chat something operational, when the transport is up. */
  notify(agent: string, text: string): void {
    const transport = this.handles.get('transport');
    if (!transport?.peer || transport.state !== 'ready') {
      this.options.log.warn({ agent }, 'transport not ready; operational notice only logged');
      return;
    }
    transport.peer.request('notifyUser', { agent, text }, { timeoutMs: 10_000 })
      .catch((error: unknown) => this.options.log.warn({ err: error }, 'could not deliver an operational notice'));
  }

  /** Starts a sub-agent added to agents.json while running. */
  async addAgent(name: string): Promise<void> {
    const target = `agent:${name}` as Target;
    if (this.handles.has(target) || !this.options.agentSpec) return;
    await this.options.prepareAgent?.(name);
    const handle = this.addHandle(this.options.agentSpec(name));
    if (this.phase === 'running') await handle.start().catch((error: unknown) => this.options.log.error({ worker: target, err: error }, 'new agent failed to start'));
  }

  /** Stops and forgets a sub-agent removed from agents.json (its home stays on disk). */
  async removeAgent(name: string): Promise<void> {
    const target = `agent:${name}` as Target;
    const handle = this.handles.get(target);
    if (!handle) return;
    this.cancelRestart(target);
    await handle.stop('removed from agents.json', stopDeadlineMs(handle));
    this.handles.delete(target);
    this.histories.delete(target);
  }

  /** `/agent_stop`: a planned stop; the worker stays stopped until started again. */
  async stopWorker(target: Target, reason: string): Promise<WorkerStatus | null> {
    const handle = this.handles.get(target);
    if (!handle) return null;
    this.cancelRestart(target);
    await handle.stop(reason, stopDeadlineMs(handle));
    return handle.status();
  }

  /** `/agent_start` (also after a give-up) and the second half of a restart. */
  async startWorker(target: Target): Promise<WorkerStatus | null> {
    const handle = this.handles.get(target);
    if (!handle) return null;
    this.cancelRestart(target);
    this.histories.delete(target);
    await handle.start().catch((error: unknown) => this.options.log.error({ worker: target, err: error }, 'worker start failed'));
    return handle.status();
  }

  /** Restarts one worker alone (a changed token, `/agent_restart`, a memory limit). */
  async restartWorker(target: Target, reason: string): Promise<WorkerStatus | null> {
    const handle = this.handles.get(target);
    if (!handle) return null;
    this.options.log.info({ worker: target, reason }, 'restarting one worker');
    await this.stopWorker(target, reason);
    handle.restarts += 1;
    return this.startWorker(target);
  }

  private cancelRestart(target: Target): void {
    const timer = this.restartTimers.get(target);
    if (timer) clearTimeout(timer);
    this.restartTimers.delete(target);
  }
}

/**
 * An agent worker's running turns may finish within the grace; after it, the agent still stops the
 * CLIs left and hands produced answers to the transport (a few seconds), hence twice the deadline.
 */
function stopDeadlineMs(handle: WorkerHandle): number {
  return handle.spec.role === 'agent' ? 2 * SHUTDOWN_DEADLINE_MS + turnGraceMs(handle.spec.env) : SHUTDOWN_DEADLINE_MS;
}
