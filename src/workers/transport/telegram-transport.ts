/**
 * Telegram as a ChatTransport: one BotRunner per agent with a token of its own. The bots keep
 * their own logic; this class only owns the set of running bots and routes by agent.
 */
import { join } from 'node:path';
import type { Config } from '../../shared/config/schema.js';
import type { Button, ChatRef, Delivery, StreamEvent } from '../../shared/rpc/conversation-schemas.js';
import { mainPaths } from '../../shared/paths.js';
import { configOfAgent } from '../../shared/worker/effective-config.js';
import { BotRunner } from './bot-runner.js';
import { DeliveryLog } from './delivery-log.js';
import type { ChatTransport, DeliveryResult, QueueUpdate, TransportContext } from './transport.js';

export class TelegramTransport implements ChatTransport {
  readonly id = 'tg' as const;
  private readonly bots = new Map<string, BotRunner>();
  /** The token each running bot polls with, to notice a change. */
  private readonly botTokens = new Map<string, string>();
  private deliveries: DeliveryLog | null = null;

  constructor(private readonly ctx: TransportContext) {}

  async start(): Promise<void> {
    const { log, home } = this.ctx;
    this.deliveries = new DeliveryLog(join(mainPaths(home).runDir, 'deliveries.json'), (r) =>
      log.error({ file: r.file, movedTo: r.movedTo, reason: r.reason }, 'state file was corrupt and was moved aside'));
    await this.deliveries.load();
    await this.reconcileBots();
  }

  async stop(): Promise<void> {
    await Promise.all([...this.bots.values()].map((bot) => bot.stop()));
  }

  async configChanged(): Promise<void> {
    await this.reconcileBots();
    // A new `language` re-syncs each bot's command menu (a no-op when it did not change).
    await Promise.all([...this.bots.values()].map((bot) => bot.syncCommands()));
    await Promise.all([...this.bots.values()].map((bot) => bot.auditGroups()));
  }

  stream(agent: string, turnId: string, chat: ChatRef, replyTo: number | null, events: StreamEvent[]): void {
    this.botOf(agent).stream(turnId, chat, replyTo, events);
  }

  deliver(agent: string, delivery: Delivery): Promise<DeliveryResult> {
    return this.botOf(agent).deliver(delivery);
  }

  queueUpdate(agent: string, u: QueueUpdate): void {
    this.botOf(agent).queueUpdate(u);
  }

  /** An agent without a bot of its own reaches its user through the main bot. */
  notifyPrimary(agent: string, text: string, buttons?: Button[][]): Promise<number> {
    return (this.bots.get(agent) ?? this.botOf('main')).notifyPrimary(text, buttons);
  }

  private botOf(agent: string): BotRunner {
    const bot = this.bots.get(agent);
    if (!bot) throw new Error(`no Telegram bot runs for agent "${agent}"`);
    return bot;
  }

  /**
   * Makes the running bots match the configured agents: a bot per agent with a token of its own,
   * started when an agent appears, stopped when it goes, restarted when its token changes.
   */
  private async reconcileBots(): Promise<void> {
    const { log, home, peer } = this.ctx;
    const configs = this.ctx.configs();
    const names = ['main', ...configs.agents.map((a) => a.name)];
    const wanted = new Map<string, string>();
    const seenTokens = new Set<string>();
    for (const agent of names) {
      const token = configOfAgent(configs, agent, home).telegram_token;
      if (!token || token.startsWith('YOUR_')) {
        log.warn({ agent }, 'agent has no Telegram token; no bot started for it');
        continue;
      }
      if (seenTokens.has(token)) {
        // One poller per token: two agents sharing a token would steal each other's updates (409).
        log.error({ agent }, 'agent uses a bot token another agent already uses; give every agent its own bot');
        continue;
      }
      seenTokens.add(token);
      wanted.set(agent, token);
    }
    for (const [agent, bot] of this.bots) {
      if (wanted.get(agent) === this.botTokens.get(agent)) continue;
      this.bots.delete(agent);
      this.botTokens.delete(agent);
      await bot.stop();
      log.info({ agent }, 'bot stopped');
    }
    for (const [agent, token] of wanted) {
      if (this.bots.has(agent)) continue;
      const config = (): Config => configOfAgent(this.ctx.configs(), agent, home);
      const bot = new BotRunner({ agent, config, peer, deliveries: this.deliveries!, streams: this.ctx.streams, log: log.child({ agent }), home });
      this.bots.set(agent, bot);
      this.botTokens.set(agent, token);
      bot.start();
    }
  }
}
