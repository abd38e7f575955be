/** Entry of the transport worker: one Telegram bot per agent token, deliveries, live streams. */
import { join } from 'node:path';
import type { Config } from '../../shared/config/schema.js';
import { mainPaths } from '../../shared/paths.js';
import { configOfAgent, loadAllConfigs, type AgentConfigs } from '../../shared/worker/effective-config.js';
import { runWorker, type WorkerContext } from '../../shared/worker/runtime.js';
import { BotRunner } from './bot-runner.js';
import { ConsoleChannel } from './console-channel.js';
import { DeliveryLog } from './delivery-log.js';

const bots = new Map<string, BotRunner>();
let configs: AgentConfigs | null = null;
let consoles: ConsoleChannel | null = null;
let deliveries: DeliveryLog | null = null;
/** The token each running bot polls with, to notice a change. */
const botTokens = new Map<string, string>();

function consoleChannel(): ConsoleChannel {
  if (!consoles) throw new Error('transport is still starting');
  return consoles;
}

function botOf(agent: string): BotRunner {
  const bot = bots.get(agent);
  if (!bot) throw new Error(`no Telegram bot runs for agent "${agent}"`);
  return bot;
}

async function start(ctx: WorkerContext): Promise<void> {
  configs = await loadAllConfigs(ctx.home);
  consoles = new ConsoleChannel(ctx.peer, ctx.log);
  deliveries = new DeliveryLog(join(mainPaths(ctx.home).runDir, 'deliveries.json'), (r) =>
    ctx.log.error({ file: r.file, movedTo: r.movedTo, reason: r.reason }, 'state file was corrupt and was moved aside'));
  await deliveries.load();
  await reconcileBots(ctx);
}

/**
 * Makes the running bots match the configured agents: a bot per agent with a token of its own,
 * started when an agent appears, stopped when it goes, restarted when its token changes.
 */
async function reconcileBots(ctx: WorkerContext): Promise<void> {
  const names = ['main', ...configs!.agents.map((a) => a.name)];
  const wanted = new Map<string, string>();
  const seenTokens = new Set<string>();
  for (const agent of names) {
    const token = configOfAgent(configs!, agent, ctx.home).telegram_token;
    if (!token || token.startsWith('YOUR_')) {
      ctx.log.warn({ agent }, 'agent has no Telegram token; no bot started for it');
      continue;
    }
    if (seenTokens.has(token)) {
      // One poller per token: two agents sharing a token would steal each other's updates (409).
      ctx.log.error({ agent }, 'agent uses a bot token another agent already uses; give every agent its own bot');
      continue;
    }
    seenTokens.add(token);
    wanted.set(agent, token);
  }
  for (const [agent, bot] of bots) {
    if (wanted.get(agent) === botTokens.get(agent)) continue;
    bots.delete(agent);
    botTokens.delete(agent);
    await bot.stop();
    ctx.log.info({ agent }, 'bot stopped');
  }
  for (const [agent, token] of wanted) {
    if (bots.has(agent)) continue;
    const config = (): Config => configOfAgent(configs!, agent, ctx.home);
    const bot = new BotRunner({ agent, config, peer: ctx.peer, deliveries: deliveries!, log: ctx.log.child({ agent }), home: ctx.home });
    bots.set(agent, bot);
    botTokens.set(agent, token);
    bot.start();
  }
}

await runWorker({
  start,
  handlers: (ctx) => ({
    turnStream: ({ agent, turnId, chat, replyTo, events }) =>
      chat.transport === 'cli' ? consoleChannel().stream(agent, turnId, events) : botOf(agent).stream(turnId, chat, replyTo, events),
    deliver: ({ agent, ...delivery }) =>
      delivery.chat.transport === 'cli' ? consoleChannel().deliver(agent, delivery) : botOf(agent).deliver(delivery),
    queueUpdate: ({ agent, chat, inboundIds, outcome, turnId, replyTo }) =>
      chat.transport === 'cli' ? consoleChannel().queueUpdate(agent, outcome) : botOf(agent).queueUpdate(chat, inboundIds, outcome, turnId, replyTo),
    consoleSend: ({ consoleId, agent, text }) => consoleChannel().send(consoleId, agent, text),
    notifyUser: async ({ agent, text }) => ({ delivered: await (bots.get(agent) ?? botOf('main')).notifyPrimary(text) }),
    configChanged: async () => {
      try {
        configs = await loadAllConfigs(ctx.home);
        await reconcileBots(ctx);
      } catch (error) {
        ctx.log.warn({ err: error }, 'config reload failed; keeping the previous config');
      }
      // A new `language` re-syncs each bot's command menu (a no-op when it did not change).
      await Promise.all([...bots.values()].map((bot) => bot.syncCommands()));
    },
  }),
  stop: async () => {
    await Promise.all([...bots.values()].map((bot) => bot.stop()));
  },
});
