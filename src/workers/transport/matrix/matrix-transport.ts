/**
 * Matrix as a ChatTransport: one MatrixRunner per agent whose transports include `matrix` (the
 * main agent via `transport`/`transports`, sub-agents via `transport: "matrix"` in agents.json).
 * The SDK is loaded only when the first runner starts.
 */
import { join } from 'node:path';
import type { Config } from '../../../shared/config/schema.js';
import { mainPaths, subAgentHome } from '../../../shared/paths.js';
import type { ChatRef, Delivery, StreamEvent } from '../../../shared/rpc/conversation-schemas.js';
import { configOfAgent } from '../../../shared/worker/effective-config.js';
import { DeliveryLog } from '../delivery-log.js';
import type { ChatTransport, DeliveryResult, QueueUpdate, TransportContext } from '../transport.js';
import { MatrixRunner } from './matrix-runner.js';

export function usesMatrix(config: Config): boolean {
  const transports = config.transports.length > 0 ? config.transports : [config.transport];
  return transports.includes('matrix');
}

export class MatrixTransport implements ChatTransport {
  readonly id = 'mx' as const;
  private readonly runners = new Map<string, { runner: MatrixRunner; identity: string }>();
  private deliveries: DeliveryLog | null = null;

  constructor(private readonly ctx: TransportContext) {}

  async start(): Promise<void> {
    await this.reconcile();
  }

  async stop(): Promise<void> {
    await Promise.all([...this.runners.values()].map(({ runner }) => runner.stop()));
  }

  async configChanged(): Promise<void> {
    await this.reconcile();
  }

  stream(agent: string, turnId: string, chat: ChatRef, replyTo: number | null, events: StreamEvent[]): void {
    this.runnerOf(agent).stream(turnId, chat, replyTo, events);
  }

  deliver(agent: string, delivery: Delivery): Promise<DeliveryResult> {
    return this.runnerOf(agent).deliver(delivery);
  }

  queueUpdate(agent: string, u: QueueUpdate): void {
    this.runnerOf(agent).queueUpdate(u);
  }

  async notifyPrimary(agent: string, text: string): Promise<number> {
    const entry = this.runners.get(agent);
    return entry ? entry.runner.notifyPrimary(text) : 0;
  }

  private runnerOf(agent: string): MatrixRunner {
    const entry = this.runners.get(agent);
    if (!entry) throw new Error(`no Matrix client runs for agent "${agent}"`);
    return entry.runner;
  }

  /** A runner per Matrix agent; started when one appears, stopped when it goes, restarted when its account changes. */
  private async reconcile(): Promise<void> {
    const { home, log, peer } = this.ctx;
    const configs = this.ctx.configs();
    const wanted = new Map<string, string>();
    for (const agent of ['main', ...configs.agents.map((a) => a.name)]) {
      const config = configOfAgent(configs, agent, home);
      if (usesMatrix(config)) wanted.set(agent, MatrixRunner.identity(config));
    }
    for (const [agent, entry] of this.runners) {
      if (wanted.get(agent) === entry.identity) continue;
      this.runners.delete(agent);
      await entry.runner.stop();
      log.info({ agent }, 'Matrix client stopped');
    }
    if (wanted.size > 0 && !this.deliveries) {
      this.deliveries = new DeliveryLog(join(mainPaths(home).runDir, 'deliveries-matrix.json'), (r) =>
        log.error({ file: r.file, movedTo: r.movedTo, reason: r.reason }, 'state file was corrupt and was moved aside'));
      await this.deliveries.load();
    }
    for (const [agent, identity] of wanted) {
      if (this.runners.has(agent)) continue;
      const runner = new MatrixRunner({
        agent,
        config: () => configOfAgent(this.ctx.configs(), agent, home),
        peer,
        deliveries: this.deliveries!,
        streams: this.ctx.streams,
        log: log.child({ agent, transport: 'mx' }),
        home,
        agentHome: agent === 'main' ? home : subAgentHome(home, agent),
      });
      this.runners.set(agent, { runner, identity });
      runner.start();
    }
  }
}
