/**
 * Runs the compiled `ductor` command as a real child process on a temp home, and reads its
 * state the way a user does: `ductor status --json`. Everything it starts is killed in t.after.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';
import type { TestContext } from 'node:test';
import { waitFor } from './wait-for.js';

export const DUCTOR_BIN = fileURLToPath(new URL('../../dist/src/cli/main.js', import.meta.url));

export type WorkerRow = { id: string; role: string; agent: string | null; pid: number | null; state: string; uptimeMs: number | null; restarts: number };
export type StatusJson = { running: boolean; pid: number; workers: WorkerRow[] };

export type RunResult = { code: number | null; stdout: string; stderr: string };

/** Runs `ductor <args>` to completion (no stdin, like CI). */
export function runDuctor(home: string, args: string[], env: NodeJS.ProcessEnv = {}): RunResult {
  const result = spawnSync(process.execPath, [DUCTOR_BIN, ...args], {
    env: { ...process.env, DUCTOR_HOME: home, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
    encoding: 'utf8',
    timeout: 60_000,
  });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

export type RunningDuctor = {
  child: ChildProcess;
  output: () => string;
  status: () => StatusJson;
  waitForStatus: (check: (s: StatusJson) => boolean, timeoutMs?: number) => Promise<StatusJson>;
  waitForExit: () => Promise<number | null>;
};

/** Starts `ductor` in the foreground and waits until every worker is ready. */
export async function spawnDuctor(t: TestContext, home: string, env: NodeJS.ProcessEnv = {}): Promise<RunningDuctor> {
  const child = spawn(process.execPath, [DUCTOR_BIN], {
    env: { ...process.env, DUCTOR_HOME: home, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout?.on('data', (d: Buffer) => (output += d.toString()));
  child.stderr?.on('data', (d: Buffer) => (output += d.toString()));
  const exited = once(child, 'exit').then(([code]) => code as number | null);
  t.after(async () => {
    if (child.exitCode === null && child.signalCode === null) {
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 15_000);
      await exited;
      clearTimeout(timer);
    }
  });
  const status = (): StatusJson => {
    const result = runDuctor(home, ['status', '--json']);
    return JSON.parse(result.stdout) as StatusJson;
  };
  const running: RunningDuctor = {
    child,
    output: () => output,
    status,
    waitForStatus: (check, timeoutMs = 20_000) =>
      waitFor(() => {
        if (child.exitCode !== null) throw new Error(`ductor exited early (${child.exitCode}): ${output}`);
        const s = status();
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
