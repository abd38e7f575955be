/** The shape every command builder returns, plus the pieces they share: temp files and Docker wrapping. */
import { mkdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative, isAbsolute, posix, sep } from 'node:path';
import { randomBytes } from '../../../shared/lazy-crypto.js';
import { DuctorError } from '../../../shared/errors.js';
import type { DockerTarget, TurnRequest } from './turn-request.js';

export type StdinPlan =
  | { kind: 'none' }
  /** Written whole, then stdin is closed. */
  | { kind: 'text'; text: string }
  /** claude stream-json input: the first line is written, stdin stays open for control responses. */
  | { kind: 'stream-json'; firstLine: string };

export type CliCommand = {
  file: string;
  args: string[];
  /** undefined inside Docker: the container's `-w` decides. */
  cwd: string | undefined;
  env: NodeJS.ProcessEnv;
  stdin: StdinPlan;
  /** Files written for this run; delete after it ends. */
  tempFiles: string[];
};

export function tempDirFor(req: TurnRequest): string {
  if (req.tempDir !== undefined) return req.tempDir;
  return req.docker !== undefined ? join(req.docker.homeMount.hostPath, 'tmp') : tmpdir();
}

/** Writes a private temp file and returns its host path. */
export function writeTempFile(dir: string, prefix: string, suffix: string, content: string): string {
  mkdirSync(dir, { recursive: true });
  const path = join(dir, `${prefix}${randomBytes(6).toString('hex')}${suffix}`);
  writeFileSync(path, content, { mode: 0o600 });
  return path;
}

/** Maps a host path under the mounted home to its path inside the container. */
export function containerPath(docker: DockerTarget, hostPath: string): string {
  const rel = relative(docker.homeMount.hostPath, hostPath);
  if (rel.startsWith('..') || isAbsolute(rel)) {
    throw new DuctorError('DOCKER_PATH_OUTSIDE_HOME', `${hostPath} is outside the mounted home ${docker.homeMount.hostPath}; the sandbox container cannot see it.`);
  }
  return rel === '' ? docker.homeMount.containerPath : posix.join(docker.homeMount.containerPath, ...rel.split(sep));
}

/**
 * `docker exec [-i] -w <cwd> -e K=V … <container> <binary> <args>`.
 * `extraEnv` are provider variables (GEMINI_*) that must reach the CLI inside the container.
 */
export function wrapForDocker(command: CliCommand, docker: DockerTarget, hostCwd: string, bareBinary: string, extraEnv: Record<string, string>): CliCommand {
  const args = ['exec'];
  if (command.stdin.kind !== 'none') args.push('-i');
  args.push('-w', containerPath(docker, hostCwd));
  for (const [key, value] of Object.entries({ ...docker.env, ...extraEnv })) args.push('-e', `${key}=${value}`);
  args.push(docker.container, bareBinary, ...command.args);
  return { ...command, file: 'docker', args, cwd: undefined };
}
