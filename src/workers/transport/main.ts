/**
 * Entry of the transport worker: every chat network the agents talk through (Telegram bots, the
 * local console, …) is a ChatTransport in one registry; the agent → transport RPCs route by
 * `chat.transport` and the transport routes by agent.
 */
import { loadAllConfigs, type AgentConfigs } from '../../shared/worker/effective-config.js';
import { runWorker, type WorkerContext } from '../../shared/worker/runtime.js';
import { ApiTransport } from './api/api-transport.js';
import { ConsoleChannel, ConsoleTransport } from './console-channel.js';
import { MatrixTransport } from './matrix/matrix-transport.js';
import { TelegramTransport } from './telegram-transport.js';
import { TransportRegistry, type TransportContext } from './transport.js';
import { closeRenderPool } from './render/render-pool.js';
import { StreamStates } from './stream-state.js';
import { join } from 'node:path';
import { mainPaths } from '../../shared/paths.js';

const registry = new TransportRegistry();
let configs: AgentConfigs | null = null;
let consoles: ConsoleChannel | null = null;

function consoleChannel(): ConsoleChannel {
  if (!consoles) throw new Error('transport is still starting');
  return consoles;
}

async function start(ctx: WorkerContext): Promise<void> {
  configs = await loadAllConfigs(ctx.home);
  const streams = new StreamStates(join(mainPaths(ctx.home).runDir, 'streams.json'), (r) =>
    ctx.log.error({ file: r.file, movedTo: r.movedTo, reason: r.reason }, 'state file was corrupt and was moved aside'));
  await streams.load();
  const tctx: TransportContext = { home: ctx.home, peer: ctx.peer, log: ctx.log, configs: () => configs!, streams };
  consoles = new ConsoleChannel(ctx.peer, ctx.log, () => configs?.main.language ?? 'en');
  // Transports ------------------------------------------------------------------------------------
  // Registration order is the order `notifyUser` tries them in.
  registry.register(new TelegramTransport(tctx));
  registry.register(new ConsoleTransport(consoles));
  // WebSocket API: listens only when `api.enabled`.
  registry.register(new ApiTransport(tctx));
  // End WebSocket API
  // Matrix: lazy — the SDK loads only when an agent's transports include matrix.
  registry.register(new MatrixTransport(tctx));
  // End Matrix
  // End of transports -----------------------------------------------------------------------------
  await registry.startAll(ctx.log);
}

// Not awaited (the bundles are CommonJS, without top-level await): a start that fails rejects,
// and the runtime logs that unhandled rejection as fatal and exits non-zero.
void runWorker({
  start,
  handlers: (ctx) => ({
    turnStream: ({ agent, turnId, chat, replyTo, events }) => registry.of(chat).stream(agent, turnId, chat, replyTo, events),
    deliver: ({ agent, ...delivery }) => registry.of(delivery.chat).deliver(agent, delivery),
    queueUpdate: ({ agent, chat, inboundIds, outcome, turnId, replyTo }) =>
      registry.of(chat).queueUpdate(agent, { chat, inboundIds, outcome, turnId, replyTo }),
    consoleSend: ({ consoleId, agent, text }) => consoleChannel().send(consoleId, agent, text),
    notifyUser: async ({ agent, text, buttons }) => ({ delivered: await registry.notifyPrimary(agent, text, ctx.log, buttons) }),
    configChanged: async () => {
      try {
        configs = await loadAllConfigs(ctx.home);
      } catch (error) {
        ctx.log.warn({ err: error }, 'config reload failed; keeping the previous config');
      }
      await registry.configChanged(ctx.log);
    },
  }),
  stop: async (ctx) => {
    await registry.stopAll(ctx.log);
    await closeRenderPool();
  },
});
