/**
 * The sandbox container's life: check Docker, build the image when missing, start one long-lived
 * container (or reuse it), verify it before each turn, and tear it down. Every `docker` call goes
 * through an injectable runner, so tests use a fake `docker` on PATH or a recording function.
 */
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { homedir, tmpdir } from 'node:os';
import { join } from 'node:path';
import type { DockerConfig } from '../../../shared/config/schema-blocks.js';
import { DuctorError } from '../../../shared/errors.js';
import { packageInfo } from '../../../shared/package-info.js';
import type { DockerTarget } from '../providers/turn-request.js';
import { lastLine, runCommand, type CommandRunner } from '../../../shared/command-runner.js';
import { buildTimeoutSeconds, extraLayers, type DockerExtraId } from './docker-extras.js';
import { CONTAINER_HOME, dockerRunArgs } from './docker-run-args.js';

/** Why the sandbox cannot be used. */
export type DockerUnavailableReason = 'no_docker' | 'daemon_down' | 'no_image' | 'build_failed' | 'run_failed';

export class DockerUnavailableError extends DuctorError {
  constructor(
    readonly reason: DockerUnavailableReason,
    message: string,
    options?: { cause?: unknown },
  ) {
    super('DOCKER_UNAVAILABLE', message, options);
    this.name = 'DockerUnavailableError';
  }
}

export type DockerSandboxOptions = {
  docker: DockerConfig;
  /** The main home, mounted at /ductor. */
  ductorHome: string;
  run?: CommandRunner;
  /** The `docker` executable (default `docker` from PATH). */
  dockerBinary?: string;
  userHome?: string;
  platform?: NodeJS.Platform;
  uid?: number;
  gid?: number;
  /** Secrets passed with -e (from the home's .env, when the host environment lacks them). */
  secretEnv?: Record<string, string>;
  /** The base Dockerfile text; default `Dockerfile.sandbox` from the installed package. */
  dockerfileText?: () => Promise<string>;
  /** Progress lines (building the image can take minutes). */
  say?: (line: string) => void;
  /** Stream `docker build` output to this process's stdio (the command line) instead of capturing it. */
  inheritBuildOutput?: boolean;
};

const QUICK_TIMEOUT_MS = 30_000;
const STOP_TIMEOUT_SECONDS = 5;

export class DockerSandbox {
  private readonly run: CommandRunner;
  private readonly docker: string;
  /** Setup is serialized: two turns starting at once must not both create the container. */
  private pending: Promise<unknown> = Promise.resolve();

  constructor(private readonly options: DockerSandboxOptions) {
    this.run = options.run ?? runCommand;
    this.docker = options.dockerBinary ?? 'docker';
  }

  /** How the CLI runs address the container (`docker exec`). */
  target(): DockerTarget {
    return {
      container: this.options.docker.container_name,
      homeMount: { hostPath: this.options.ductorHome, containerPath: CONTAINER_HOME },
      env: { DUCTOR_HOME: CONTAINER_HOME },
    };
  }

  /** True when the Docker engine answers `docker info`. */
  async engineRunning(): Promise<boolean> {
    const result = await this.call(['info', '--format', '{{.ServerVersion}}']);
    return result.code === 0;
  }

  /**
   * Makes sure the container runs (building the image and starting the container as needed) and
   * returns its target. Called before every turn; cheap when the container is already up.
   * Throws DockerUnavailableError saying what is wrong.
   */
  ensure(): Promise<DockerTarget> {
    const next = this.pending.then(() => this.ensureNow());
    this.pending = next.catch(() => undefined);
    return next;
  }

  private async ensureNow(): Promise<DockerTarget> {
    const { image_name: image, container_name: container } = this.options.docker;
    const info = await this.call(['info', '--format', '{{.ServerVersion}}']);
    if (info.spawnError === 'ENOENT') {
      throw new DockerUnavailableError('no_docker', 'docker.enabled is true but the `docker` command is not installed. Install Docker, or run `ductor docker disable`.');
    }
    if (info.code !== 0) {
      throw new DockerUnavailableError(
        'daemon_down',
        `docker.enabled is true but the Docker engine is not running (${lastLine(info)}). Start Docker, or run \`ductor docker disable\`.`,
      );
    }
    if (!(await this.imageExists())) {
      if (!this.options.docker.auto_build) {
        throw new DockerUnavailableError('no_image', `the sandbox image "${image}" does not exist and docker.auto_build is off. Build it with \`ductor docker rebuild\` after turning auto_build on.`);
      }
      await this.buildImage();
    }
    if (await this.containerRunning()) return this.target();
    // A stopped or half-created container with our name blocks `docker run --name`.
    await this.call(['rm', '-f', container]);
    const started = await this.call(this.runArgs());
    if (started.code !== 0) {
      throw new DockerUnavailableError('run_failed', `could not start the sandbox container "${container}": ${lastLine(started)}`);
    }
    return this.target();
  }

  /** The `docker run` arguments for this host. */
  runArgs(): string[] {
    const d = this.options.docker;
    return dockerRunArgs({
      containerName: d.container_name,
      imageName: d.image_name,
      ductorHome: this.options.ductorHome,
      userHome: this.options.userHome ?? homedir(),
      platform: this.options.platform ?? process.platform,
      uid: this.options.uid ?? process.getuid?.(),
      gid: this.options.gid ?? process.getgid?.(),
      mountHostCache: d.mount_host_cache,
      mounts: d.mounts,
      publishedPorts: d.published_ports,
      secretEnv: this.options.secretEnv,
      exists: existsSync,
    });
  }

  async imageExists(): Promise<boolean> {
    return (await this.call(['image', 'inspect', this.options.docker.image_name])).code === 0;
  }

  /** True when a container with our name exists, running or not. */
  async containerExists(): Promise<boolean> {
    return (await this.call(['container', 'inspect', '-f', '{{.State.Running}}', this.options.docker.container_name])).code === 0;
  }

  async containerRunning(): Promise<boolean> {
    const result = await this.call(['container', 'inspect', '-f', '{{.State.Running}}', this.options.docker.container_name]);
    return result.code === 0 && result.stdout.trim() === 'true';
  }

  /** Builds the image from Dockerfile.sandbox plus the configured extras, in a temp build context. */
  async buildImage(): Promise<void> {
    const extras = this.options.docker.extras as DockerExtraId[];
    const base = await (this.options.dockerfileText ?? readPackagedDockerfile)();
    const context = await mkdtemp(join(tmpdir(), 'ductor-sandbox-build-'));
    try {
      await writeFile(join(context, 'Dockerfile'), base.trimEnd() + '\n' + extraLayers(extras));
      this.options.say?.(`building the sandbox image "${this.options.docker.image_name}" (this takes a few minutes the first time)`);
      const result = await this.run(this.docker, ['build', '-t', this.options.docker.image_name, context], {
        timeoutMs: buildTimeoutSeconds(extras) * 1000,
        inherit: this.options.inheritBuildOutput,
      });
      if (result.code !== 0) {
        throw new DockerUnavailableError('build_failed', `building the sandbox image failed: ${lastLine(result)}`);
      }
    } finally {
      await rm(context, { recursive: true, force: true });
    }
  }

  /** Stops and removes the container (the image is kept). Quiet when there is none. */
  async teardown(): Promise<void> {
    const container = this.options.docker.container_name;
    await this.call(['stop', '-t', String(STOP_TIMEOUT_SECONDS), container]);
    await this.call(['rm', '-f', container]);
  }

  /** Removes the image so the next start rebuilds it (`ductor docker rebuild`). */
  async removeImage(): Promise<boolean> {
    return (await this.call(['rmi', '-f', this.options.docker.image_name])).code === 0;
  }

  private call(args: string[]) {
    return this.run(this.docker, args, { timeoutMs: QUICK_TIMEOUT_MS });
  }
}

async function readPackagedDockerfile(): Promise<string> {
  return readFile(join(packageInfo().root, 'Dockerfile.sandbox'), 'utf8');
}

/** How a turn runs when the config asks for Docker. */
export type SandboxDecision =
  | { mode: 'host'; warning?: string }
  | { mode: 'docker'; target: DockerTarget };

/**
 * Decides where a turn runs. Docker disabled → host. Docker enabled and usable → the container.
 * Docker enabled but unusable → host with a warning only when `docker.fallback_to_host` is true;
 * otherwise the DockerUnavailableError is rethrown so the user is told and nothing runs
 * unsandboxed behind their back.
 */
export async function decideSandbox(docker: DockerConfig, sandbox: Pick<DockerSandbox, 'ensure'>): Promise<SandboxDecision> {
  if (!docker.enabled) return { mode: 'host' };
  try {
    return { mode: 'docker', target: await sandbox.ensure() };
  } catch (error) {
    if (error instanceof DockerUnavailableError && docker.fallback_to_host) {
      return { mode: 'host', warning: `${error.message} Running on the host instead (docker.fallback_to_host is true).` };
    }
    throw error;
  }
}

/**
 * Secrets from the home's `.env` (KEY=VALUE lines) that the host environment does not already
 * carry; those must be passed into the container with -e since it does not inherit our env.
 */
export async function readEnvSecrets(envFile: string, hostEnv: NodeJS.ProcessEnv = process.env): Promise<Record<string, string>> {
  let text: string;
  try {
    text = await readFile(envFile, 'utf8');
  } catch {
    return {}; // no .env: nothing to pass
  }
  const out: Record<string, string> = {};
  for (const line of text.split('\n')) {
    const match = /^\s*(?:export\s+)?([A-Za-z_][A-Za-z0-9_]*)\s*=\s*(.*?)\s*$/.exec(line);
    if (!match) continue;
    const [, key, raw] = match as unknown as [string, string, string];
    if (hostEnv[key] !== undefined) continue;
    out[key] = raw.replace(/^(['"])(.*)\1$/, '$2');
  }
  return out;
}
