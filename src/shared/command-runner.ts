/**
 * Runs an external command (docker, systemctl, npm …) to completion and returns what it said.
 * Everything that shells out takes a `CommandRunner`, so tests record calls instead of running them.
 */
import { spawn } from 'node:child_process';

export type CommandResult = {
  /** Exit code; null when the process was killed or could not start. */
  code: number | null;
  stdout: string;
  stderr: string;
  /** Set when the executable could not be started at all (ENOENT: not installed). */
  spawnError?: string;
};

export type RunOptions = {
  env?: NodeJS.ProcessEnv;
  cwd?: string;
  /** Killed (SIGKILL) after this long; the result then has code null. Default 60 s. */
  timeoutMs?: number;
  /** Stream the child's output to ours instead of capturing it (image builds, `journalctl -f`). */
  inherit?: boolean;
  signal?: AbortSignal;
};

export type CommandRunner = (file: string, args: readonly string[], options?: RunOptions) => Promise<CommandResult>;

const DEFAULT_TIMEOUT_MS = 60_000;
/** Captured output beyond this is dropped from the front: callers only need the tail. */
const MAX_CAPTURE_CHARS = 1_000_000;

/** The real runner: spawns without a shell, so arguments are never re-split or expanded. */
export const runCommand: CommandRunner = (file, args, options = {}) =>
  new Promise((resolve) => {
    const child = spawn(file, [...args], {
      env: options.env ?? process.env,
      cwd: options.cwd,
      stdio: options.inherit ? ['inherit', 'inherit', 'inherit'] : ['ignore', 'pipe', 'pipe'],
      signal: options.signal,
    });
    let stdout = '';
    let stderr = '';
    child.stdout?.on('data', (chunk: Buffer) => (stdout = (stdout + chunk.toString()).slice(-MAX_CAPTURE_CHARS)));
    child.stderr?.on('data', (chunk: Buffer) => (stderr = (stderr + chunk.toString()).slice(-MAX_CAPTURE_CHARS)));
    const timer = setTimeout(() => child.kill('SIGKILL'), options.timeoutMs ?? DEFAULT_TIMEOUT_MS);
    timer.unref();
    let spawnError: string | undefined;
    child.on('error', (error: NodeJS.ErrnoException) => {
      spawnError = error.code ?? error.message;
    });
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve(spawnError === undefined ? { code, stdout, stderr } : { code: null, stdout, stderr, spawnError });
    });
  });

/** The last non-empty line of a command's stderr (or stdout), for one-line error messages. */
export function lastLine(result: CommandResult): string {
  for (const text of [result.stderr, result.stdout]) {
    const line = text.split('\n').filter((l) => l.trim() !== '').at(-1);
    if (line !== undefined) return line.trim();
  }
  return result.spawnError ?? `exit code ${result.code}`;
}
