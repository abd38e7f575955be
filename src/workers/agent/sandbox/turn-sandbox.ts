/**
 * Where this agent's turns run when `docker.enabled`: one container for all agents (owned by the
 * main agent, which tears it down), checked before every turn. Agents are separate processes, so
 * the check is serialized across them with a lock file in the main home; two agents starting a
 * turn at once must not both `docker run` the same container name.
 */
import { join } from 'node:path';
import type { Logger } from 'pino';
import type { DockerConfig } from '../../../shared/config/schema-blocks.js';
import { withFileLock } from '../../../shared/store/file-lock.js';
import { decideSandbox, DockerSandbox, readEnvSecrets, type SandboxDecision } from './docker-sandbox.js';

export type TurnSandboxOptions = {
  mainHome: string;
  /** The main agent owns the container: only it tears it down. */
  owner: boolean;
  docker: () => DockerConfig;
  log: Logger;
};

export class TurnSandbox {
  private sandbox: DockerSandbox | null = null;
  private sandboxConfig = '';
  /** Set once a container was started or reused by this process, so shutdown knows to tear down. */
  private used = false;

  constructor(private readonly options: TurnSandboxOptions) {}

  /** Host or container for the next turn; throws DockerUnavailableError when Docker is required but unusable. */
  async decide(): Promise<SandboxDecision> {
    const docker = this.options.docker();
    if (!docker.enabled) return { mode: 'host' };
    const sandbox = await this.current(docker);
    const decision = await withFileLock(join(this.options.mainHome, 'docker-sandbox.lock'), () => decideSandbox(docker, sandbox));
    if (decision.mode === 'docker') this.used = true;
    else if (decision.warning) this.options.log.warn(decision.warning);
    return decision;
  }

  /** Stops and removes the shared container; only the owner does, and only when Docker is on. */
  async shutdown(): Promise<void> {
    const docker = this.options.docker();
    if (!this.options.owner || !(docker.enabled || this.used)) return;
    const sandbox = await this.current(docker);
    await sandbox.teardown().catch((error: unknown) => this.options.log.warn({ err: error }, 'docker teardown failed'));
    this.options.log.info({ container: docker.container_name }, 'sandbox container removed');
  }

  /** A manager for the current docker config; rebuilt when the config changed (hot reload). */
  private async current(docker: DockerConfig): Promise<DockerSandbox> {
    const key = JSON.stringify(docker);
    if (this.sandbox && key === this.sandboxConfig) return this.sandbox;
    this.sandbox = new DockerSandbox({
      docker,
      ductorHome: this.options.mainHome,
      secretEnv: await readEnvSecrets(join(this.options.mainHome, '.env')),
      say: (line) => this.options.log.info(line),
    });
    this.sandboxConfig = key;
    return this.sandbox;
  }
}
