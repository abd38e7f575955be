/**
 * Runs the compiled `ductor` command as a real child process on a temp home, and reads its
 * state the way a user does: `ductor status --json`. Everything it starts is stopped in the
 * test's teardown whatever happened, and whatever survives the stop is killed by its mark.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { TestContext } from 'node:test';
import { killMarkedProcesses, TEST_OWNER_ENV } from './kill-leftovers.js';
import { scaled } from './machine-speed.js';
import { beforeHomeRemoval } from './tmp-home.js';
import { waitFor } from './wait-for.js';

export const DUCTOR_BIN = fileURLToPath(new URL('../../dist/bin/ductor.js', import.meta.url));

export type WorkerRow = { id: string; role: string; agent: string | null; pid: number | null; state: string; uptimeMs: number | null; restarts: number };
export type StatusJson = { running: boolean; pid: number; workers: WorkerRow[] };

/**
 * The HOME a test's ductor sees: a folder inside its temp home that usually does not exist, so the
 * skill sync never links into the real `~/.claude/skills` and login checks see no real account.
 */
export function isolatedUserHome(home: string): string {
  return join(home, '.user-home');
}

/**
 * One compile cache folder for every ductor the tests start (src/launcher/launch.ts): the first start
 * of a build writes it and the others use it, as on a user's machine. Tests of the cache itself
 * pass an XDG_CACHE_HOME of their own.
 */
const TEST_CODE_CACHE = join(tmpdir(), 'ductor-test-code-cache');

export type RunResult = { code: number | null; stdout: string; stderr: string };

/**
 * Runs `ductor <args>` to completion (no stdin, like CI). Asynchronous on purpose: a blocking
 * spawnSync would stop this process from draining the pipes of a running supervisor.
 */
export async function runDuctor(home: string, args: string[], env: NodeJS.ProcessEnv = {}): Promise<RunResult> {
  const child = spawn(process.execPath, [DUCTOR_BIN, ...args], {
    env: { ...process.env, DUCTOR_HOME: home, HOME: isolatedUserHome(home), XDG_CACHE_HOME: TEST_CODE_CACHE, [TEST_OWNER_ENV]: home, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  const timer = setTimeout(() => child.kill('SIGKILL'), scaled(60_000));
  const [code] = (await once(child, 'close')) as [number | null];
  clearTimeout(timer);
  return { code, stdout, stderr };
}

export type RunningDuctor = {
  child: ChildProcess;
  output: () => string;
  status: () => Promise<StatusJson>;
  waitForStatus: (check: (s: StatusJson) => boolean, timeoutMs?: number) => Promise<StatusJson>;
  waitForExit: () => Promise<number | null>;
};

/** Starts `ductor` in the foreground and waits until every worker is ready. */
/** `ownGroup`: the supervisor leads a process group of its own, as under systemd or a terminal. */
export async function spawnDuctor(t: TestContext, home: string, env: NodeJS.ProcessEnv = {}, bin = DUCTOR_BIN, options: { ownGroup?: boolean } = {}): Promise<RunningDuctor> {
  const child = spawn(process.execPath, [bin], {
    env: { ...process.env, DUCTOR_HOME: home, HOME: isolatedUserHome(home), XDG_CACHE_HOME: TEST_CODE_CACHE, [TEST_OWNER_ENV]: home, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: options.ownGroup ?? false,
  });
  let output = '';
  child.stdout?.on('data', (d: Buffer) => (output += d.toString()));
  child.stderr?.on('data', (d: Buffer) => (output += d.toString()));
  const exited = once(child, 'exit').then(([code]) => code as number | null);
  // Registered before anything can fail: a start that never got ready is stopped all the same.
  beforeHomeRemoval(t, async () => {
    if (child.exitCode === null && child.signalCode === null) {
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), scaled(15_000));
      await exited;
      clearTimeout(timer);
    }
    // A supervisor killed before it stopped its workers, or a CLI that outlived its worker.
    const killed = await killMarkedProcesses(home);
    if (killed.length > 0) process.stderr.write(`spawn-ductor: killed ${killed.length} process(es) left behind by the ductor of ${home}: ${killed.join(', ')}\n`);
  });
  const status = async (): Promise<StatusJson> => {
    const result = await runDuctor(home, ['status', '--json']);
    return JSON.parse(result.stdout) as StatusJson;
  };
  const running: RunningDuctor = {
    child,
    output: () => output,
    status,
    waitForStatus: (check, timeoutMs = 20_000) =>
      waitFor(async () => {
        if (child.exitCode !== null) throw new Error(`ductor exited early (${child.exitCode}): ${output}`);
        const s = await status();
        return s.running && check(s) ? s : null;
      }, { timeoutMs, intervalMs: 100, message: 'ductor status condition' }),
    waitForExit: () => exited,
  };
  await running.waitForStatus((s) => s.workers.length > 0 && s.workers.every((w) => w.state === 'ready'));
  return running;
}

/** Pid of the worker `id` in a status snapshot. */
export function pidOf(status: StatusJson, id: string): number {
  const pid = status.workers.find((w) => w.id === id)?.pid;
  if (typeof pid !== 'number') throw new Error(`no pid for ${id} in ${JSON.stringify(status)}`);
  return pid;
}

export function restartsOf(status: StatusJson, id: string): number {
  return status.workers.find((w) => w.id === id)?.restarts ?? -1;
}
