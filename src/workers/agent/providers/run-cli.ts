/**
 * Spawns one CLI run in its own process group, feeds stdout lines to the caller, and ends the whole
 * group on abort, total timeout or inactivity: SIGTERM, then SIGKILL after graceMs. The result says why.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import type { DebugLog, EndReason } from './events.js';
import { LineSplitter } from './jsonl-lines.js';
import { groupHasMembers, isGroupAlive, isRunning, listProcessTree, signalTree } from './process-tree.js';

export const DEFAULT_GRACE_MS = 2_000;
export const DEFAULT_STDERR_TAIL_BYTES = 8 * 1024;
/** How often a stopping group is checked for survivors. */
const GROUP_POLL_MS = 25;

export type CliHandle = {
  pid: number;
  /** Writes to the CLI's stdin; false when stdin is closed or was never a pipe. */
  writeStdin(text: string): boolean;
  endStdin(): void;
  /** Suspends the inactivity deadline (a human is being asked); call the returned function to resume. */
  holdInactivity(): () => void;
};

export type RunCliOptions = {
  file: string;
  args: readonly string[];
  cwd?: string;
  env?: NodeJS.ProcessEnv;
  /** 'pipe' keeps stdin open for writes through the handle; 'ignore' gives the CLI /dev/null. */
  stdin: 'pipe' | 'ignore';
  onLine: (line: string) => void;
  /** Called once the process exists and stdout is attached. */
  onSpawn?: (handle: CliHandle) => void;
  signal?: AbortSignal;
  /**
   * Aborting this one interrupts the CLI as Esc does: SIGINT to its process group, nothing
   * killed, the run ends however the CLI ends it (`interrupted` in the result).
   */
  interruptSignal?: AbortSignal;
  /** Every stderr chunk as text, as it arrives (retry notices the stream does not carry). */
  onStderr?: (text: string) => void;
  timeoutMs?: number;
  inactivityTimeoutMs?: number;
  graceMs?: number;
  stderrTailBytes?: number;
  maxLineBytes?: number;
  debug?: DebugLog;
};

export type CliRunEnd = {
  reason: EndReason;
  exitCode: number | null;
  signal: NodeJS.Signals | null;
  stderrTail: string;
  pid: number | null;
  /** The deadline that ended the run (timeout or inactivity), in ms. */
  limitMs?: number;
  spawnError?: string;
  /** SIGKILL had to be sent because SIGTERM was not enough within graceMs. */
  forcedKill: boolean;
  /** We sent SIGINT (interruptSignal) before the CLI ended. */
  interrupted?: boolean;
};

export function runCli(options: RunCliOptions): Promise<CliRunEnd> {
  const noRun = { exitCode: null, signal: null, stderrTail: '', pid: null, forcedKill: false } as const;
  if (options.signal?.aborted) return Promise.resolve({ ...noRun, reason: 'aborted' });
  for (const [name, value] of [['timeoutMs', options.timeoutMs], ['inactivityTimeoutMs', options.inactivityTimeoutMs], ['graceMs', options.graceMs]] as const) {
    if (value !== undefined && (!Number.isFinite(value) || value <= 0)) {
      throw new RangeError(`runCli: "${name}" must be a positive number of milliseconds, found ${String(value)}`);
    }
  }
  let child: ChildProcess;
  try {
    child = spawn(options.file, options.args, {
      cwd: options.cwd,
      env: options.env,
      stdio: [options.stdin, 'pipe', 'pipe'],
      detached: true, // own process group: one signal reaches every descendant that stayed in it
    });
  } catch (error) {
    return Promise.resolve({ ...noRun, reason: 'spawn', spawnError: (error as Error).message });
  }
  return new CliRun(child, options).done;
}

class CliRun {
  readonly done: Promise<CliRunEnd>;
  private resolveDone!: (end: CliRunEnd) => void;
  private reason: EndReason | null = null;
  private limitMs: number | undefined;
  private exitCode: number | null = null;
  private exitSignal: NodeJS.Signals | null = null;
  private spawned = false;
  private spawnError: string | undefined;
  private forcedKill = false;
  private stderrParts: Buffer[] = [];
  private stderrBytes = 0;
  private holds = 0;
  private readonly timers = new Set<NodeJS.Timeout>();
  private inactivityTimer: NodeJS.Timeout | undefined;
  private readonly splitter: LineSplitter;
  private readonly pid: number | undefined;
  private finished = false;
  /** Descendants and group members seen when the stop began; they may have left the group. */
  private descendants: number[] = [];
  private readonly cleanups: Array<() => void> = [];

  constructor(
    private readonly child: ChildProcess,
    private readonly options: RunCliOptions,
  ) {
    this.done = new Promise((resolve) => (this.resolveDone = resolve));
    this.pid = child.pid;
    const splitterOptions = {
      maxLineBytes: options.maxLineBytes,
      onOverflow: (bytes: number) => options.debug?.('cli: over-long stdout line dropped', { bytes }),
    };
    this.splitter = new LineSplitter((line) => this.deliver(options.onLine, line), splitterOptions);
    this.listen(child, 'error', (error: Error) => this.onError(error));
    this.listen(child, 'spawn', () => this.onSpawn());
    this.listen(child, 'exit', (code: number | null, signal: NodeJS.Signals | null) => this.onExit(code, signal));
    this.listen(child, 'close', () => void this.finish());
    const stdout = child.stdout!;
    const stderr = child.stderr!;
    this.listen(stdout, 'data', (chunk: Buffer) => {
      this.touch();
      this.splitter.push(chunk);
    });
    this.listen(stdout, 'end', () => this.splitter.end());
    this.listen(stderr, 'data', (chunk: Buffer) => {
      this.touch();
      this.keepStderr(chunk);
      const onStderr = options.onStderr;
      if (onStderr !== undefined) this.deliver(onStderr, chunk.toString('utf8'));
    });
    if (child.stdin) this.listen(child.stdin, 'error', (error: Error) => options.debug?.('cli: stdin write failed', { error: error.message }));
    const signal = options.signal;
    if (signal !== undefined) {
      const onAbort = () => this.stop('aborted');
      signal.addEventListener('abort', onAbort, { once: true });
      this.cleanups.push(() => signal.removeEventListener('abort', onAbort));
    }
    const interrupt = options.interruptSignal;
    if (interrupt !== undefined) {
      const onInterrupt = () => this.interrupt();
      if (interrupt.aborted) queueMicrotask(onInterrupt);
      else interrupt.addEventListener('abort', onInterrupt, { once: true });
      this.cleanups.push(() => interrupt.removeEventListener('abort', onInterrupt));
    }
  }

  private interrupted = false;

  /** SIGINT to the group, as a terminal's Ctrl-C / Esc would; the CLI decides how to end. */
  private interrupt(): void {
    if (this.reason !== null || this.finished || this.pid === undefined || !this.spawned) return;
    this.interrupted = true;
    const pgid = this.pid;
    // One SIGINT each (a second one makes some CLIs quit hard): the tree is read first, without blocking.
    void listProcessTree(pgid).then((tree) => signalTree(pgid, tree, 'SIGINT'), () => signalTree(pgid, [], 'SIGINT'));
  }

  private listen(emitter: NodeJS.EventEmitter, event: string, handler: (...args: never[]) => void): void {
    const fn = handler as (...args: unknown[]) => void;
    emitter.on(event, fn);
    this.cleanups.push(() => emitter.removeListener(event, fn));
  }

  private deliver<T>(consumer: (value: T) => void, value: T): void {
    try {
      consumer(value);
    } catch (error) {
      // A throwing consumer must not leave the process running unobserved.
      this.options.debug?.('cli: line handler threw', { error: (error as Error).message });
    }
  }

  private onSpawn(): void {
    this.spawned = true;
    if (this.options.timeoutMs !== undefined) {
      const ms = this.options.timeoutMs;
      this.addTimer(() => this.stop('timeout', ms), ms);
    }
    this.touch();
    const handle: CliHandle = {
      pid: this.pid!,
      writeStdin: (text) => {
        const stdin = this.child.stdin;
        if (stdin === null || stdin.destroyed || stdin.writableEnded) return false;
        stdin.write(text);
        return true;
      },
      endStdin: () => this.endStdin(),
      holdInactivity: () => {
        this.holds += 1;
        this.clearInactivity();
        let released = false;
        return () => {
          if (released) return;
          released = true;
          this.holds -= 1;
          this.touch();
        };
      },
    };
    this.options.onSpawn?.(handle);
    if (this.options.interruptSignal?.aborted === true) this.interrupt();
  }

  private onError(error: Error): void {
    if (!this.spawned) {
      // ENOENT/EACCES: no process exists; 'close' still follows.
      this.spawnError = `${(error as NodeJS.ErrnoException).code ?? 'error'}: ${error.message}`;
      this.reason ??= 'spawn';
      return;
    }
    this.options.debug?.('cli: process error', { error: error.message });
  }

  private onExit(code: number | null, signal: NodeJS.Signals | null): void {
    this.exitCode = code;
    this.exitSignal = signal;
    this.reason ??= 'exit';
    this.clearInactivity();
    // Leftovers in the group (a tool's background job) would outlive the turn: end them too.
    if (this.pid !== undefined && groupHasMembers(this.pid)) this.terminateGroup();
  }

  private touch(): void {
    if (this.options.inactivityTimeoutMs === undefined || this.holds > 0 || this.reason !== null) return;
    const ms = this.options.inactivityTimeoutMs;
    if (this.inactivityTimer === undefined) {
      this.inactivityTimer = setTimeout(() => this.stop('inactivity', ms), ms);
      this.inactivityTimer.unref();
    } else {
      this.inactivityTimer.refresh();
    }
  }

  private clearInactivity(): void {
    if (this.inactivityTimer !== undefined) clearTimeout(this.inactivityTimer);
    this.inactivityTimer = undefined;
  }

  private addTimer(fn: () => void, ms: number): void {
    const timer = setTimeout(() => {
      this.timers.delete(timer);
      fn();
    }, ms);
    timer.unref();
    this.timers.add(timer);
  }

  private keepStderr(chunk: Buffer): void {
    const max = this.options.stderrTailBytes ?? DEFAULT_STDERR_TAIL_BYTES;
    this.stderrParts.push(chunk);
    this.stderrBytes += chunk.length;
    while (this.stderrBytes - (this.stderrParts[0]?.length ?? 0) >= max && this.stderrParts.length > 1) {
      this.stderrBytes -= this.stderrParts.shift()!.length;
    }
  }

  private stderrTail(): string {
    const max = this.options.stderrTailBytes ?? DEFAULT_STDERR_TAIL_BYTES;
    const all = Buffer.concat(this.stderrParts);
    return all.subarray(Math.max(0, all.length - max)).toString('utf8');
  }

  private endStdin(): void {
    const stdin = this.child.stdin;
    if (stdin !== null && !stdin.destroyed && !stdin.writableEnded) stdin.end();
  }

  private stop(reason: EndReason, limitMs?: number): void {
    if (this.reason !== null || this.finished) return;
    this.reason = reason;
    this.limitMs = limitMs;
    this.clearInactivity();
    this.endStdin();
    if (this.pid === undefined) return;
    this.terminateGroup();
  }

  private stopping = false;
  /** Settles once the stop's walk of /proc is done and `descendants` holds what it found. */
  private treeListed: Promise<void> = Promise.resolve();

  /** SIGTERM the group (and descendants that left it), SIGKILL whatever remains after graceMs. */
  private terminateGroup(): void {
    if (this.stopping || this.pid === undefined) return;
    this.stopping = true;
    const pgid = this.pid;
    const graceMs = this.options.graceMs ?? DEFAULT_GRACE_MS;
    const deadline = Date.now() + graceMs;
    const poll = async (): Promise<void> => {
      const survivors = await this.survivors();
      if (survivors.length === 0 && !(await isGroupAlive(pgid, this.descendants))) return this.afterGroupGone();
      if (Date.now() >= deadline) {
        this.forcedKill = true;
        // Children before the root, so the root cannot respawn them.
        signalTree(pgid, [...survivors, ...(await listProcessTree(pgid))], 'SIGKILL');
        return this.afterGroupGone();
      }
      this.addTimer(() => void poll(), GROUP_POLL_MS);
    };
    // One walk of /proc finds the strays that left the group; the polls then read only their stat files.
    this.treeListed = listProcessTree(pgid).then((tree) => {
      this.descendants = tree;
      signalTree(pgid, tree, 'SIGTERM');
      this.addTimer(() => void poll(), GROUP_POLL_MS);
    });
  }

  /** Listed descendants still running. */
  private async survivors(): Promise<number[]> {
    const running = await Promise.all(this.descendants.map(isRunning));
    return this.descendants.filter((_, i) => running[i]);
  }

  /** With the group dead, pipes held by strays close; if a stray escaped, stop waiting on its pipes. */
  private afterGroupGone(): void {
    this.addTimer(() => {
      if (this.finished) return;
      this.child.stdout?.destroy();
      this.child.stderr?.destroy();
      void this.finish();
    }, this.options.graceMs ?? DEFAULT_GRACE_MS);
  }

  private async finish(): Promise<void> {
    if (this.finished) return;
    if (this.spawned && this.exitCode === null && this.exitSignal === null && this.child.exitCode === null && this.child.signalCode === null) {
      // 'close' before 'exit' cannot happen in Node, but a destroyed pipe must not end a live run.
      return;
    }
    this.finished = true;
    this.splitter.end();
    // Let a running stop sequence complete so nothing survives the result.
    if (this.stopping && this.pid !== undefined) await this.waitGroupGone(this.pid);
    for (const timer of this.timers) clearTimeout(timer);
    this.timers.clear();
    this.clearInactivity();
    for (const cleanup of this.cleanups.splice(0)) cleanup();
    this.resolveDone({
      reason: this.reason ?? 'exit',
      exitCode: this.exitCode ?? this.child.exitCode,
      signal: this.exitSignal ?? this.child.signalCode,
      stderrTail: this.stderrTail(),
      pid: this.pid ?? null,
      ...(this.limitMs === undefined ? {} : { limitMs: this.limitMs }),
      ...(this.spawnError === undefined ? {} : { spawnError: this.spawnError }),
      forcedKill: this.forcedKill,
      ...(this.interrupted ? { interrupted: true } : {}),
    });
  }

  private async waitGroupGone(pgid: number): Promise<void> {
    // At least 5 s: on a loaded machine, reaping a killed group can take longer than a short grace.
    const deadline = Date.now() + Math.max(2 * (this.options.graceMs ?? DEFAULT_GRACE_MS) + 1000, 5_000);
    await this.treeListed;
    while (((await isGroupAlive(pgid, this.descendants)) || (await this.survivors()).length > 0) && Date.now() < deadline) {
      await new Promise<void>((resolve) => setTimeout(resolve, GROUP_POLL_MS));
    }
  }
}
