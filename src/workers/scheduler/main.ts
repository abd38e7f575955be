/**
 * Entry of the scheduler worker: decides *when* for every agent (cron jobs, heartbeat polls,
 * daily cleanup, the update check) and hosts the webhook server for every agent's hooks. The
 * work itself is asked of the owning agent worker over the bus.
 */
import { releaseLinks } from '../../shared/upgrade/links.js';
import { updateNotice } from '../../shared/upgrade/update-notice.js';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { updateConfigKeys } from '../../shared/config/load.js';
import type { Config } from '../../shared/config/schema.js';
import { packageInfo } from '../../shared/package-info.js';
import { mainPaths, subAgentHome } from '../../shared/paths.js';
import { agentTarget } from '../../shared/rpc/targets.js';
import { configOfAgent, loadAllConfigs, type AgentConfigs } from '../../shared/worker/effective-config.js';
import { runWorker, type WorkerContext } from '../../shared/worker/runtime.js';
import { AgentHost } from './agent-host.js';
import { CleanupLoop } from './cleanup-loop.js';
import { DependencyLocks } from './dependency-locks.js';
import { HeartbeatLoop } from './heartbeat-loop.js';
import { UpdateChecker } from './update-check.js';
import { runCommand } from '../../shared/command-runner.js';
import { resolveUpdateSource } from '../../shared/upgrade/update-source.js';
import { checkForUpdate } from '../../shared/upgrade/upgrade-steps.js';
// The webhook server (express) is loaded only where webhooks are on: see startWebhooks.
import type { WebhookServer } from './webhook-server.js';
// Internal API for the agents' tool scripts ------------------------------------------------
import type { InternalApi } from './internal-api/server.js';
import { startInternalApiFor } from './internal-api/wire.js';
import { listenOnConfiguredOrFreePort } from './internal-api/listen.js';
// End internal API import --------------------------------------------------------------------------

/** Extra time a heartbeat poll gets on the bus beyond the CLI timeout (ms). */
const HEARTBEAT_GRACE_MS = 60_000;

type AgentRuntime = { host: AgentHost; heartbeat: HeartbeatLoop; cleanup: CleanupLoop };

const locks = new DependencyLocks();
const agents = new Map<string, AgentRuntime>();
let configs: AgentConfigs | null = null;
let webhookServer: WebhookServer | null = null;
let updater: UpdateChecker | null = null;
let internalApi: InternalApi | null = null;
/** The generated global webhook token, until config.json carries it. */
let generatedToken: string | null = null;

function configOf(name: string, home: string): Config {
  if (!configs) throw new Error('scheduler is still starting');
  return configOfAgent(configs, name, home);
}

/** The agent's runtime; an agent just added to agents.json is set up first (its announcement may still be on the way). */
async function runtimeOf(ctx: WorkerContext, name: string): Promise<AgentRuntime> {
  if (!agents.has(name)) await reloadAgents(ctx);
  const runtime = agents.get(name);
  if (!runtime) throw new Error(`no agent "${name}" in this scheduler`);
  return runtime;
}

let agentSync: Promise<void> = Promise.resolve();

/**
 * Re-reads config.json and agents.json and follows the agent set: an added agent gets its cron
 * jobs, webhooks, heartbeat and cleanup at once, a removed one loses them. Calls are serialised.
 */
function reloadAgents(ctx: WorkerContext): Promise<void> {
  agentSync = agentSync.then(async () => {
    try {
      configs = await loadAllConfigs(ctx.home);
    } catch (error) {
      ctx.log.warn({ err: error }, 'config reload failed; keeping the previous config');
      return;
    }
    const wanted = new Set(['main', ...configs.agents.map((a) => a.name)]);
    for (const name of [...agents.keys()]) {
      if (!wanted.has(name)) await stopAgent(ctx, name);
    }
    for (const name of wanted) {
      if (agents.has(name)) continue;
      try {
        await startAgent(ctx, name);
        ctx.log.info({ agent: name, hooks: agents.get(name)?.host.hookIds().length ?? 0 }, 'automation started for an added agent');
      } catch (error) {
        ctx.log.error({ err: error, agent: name }, 'automation of an added agent could not start');
      }
    }
  }).catch((error: unknown) => ctx.log.error({ err: error }, 'following agents.json failed'));
  return agentSync;
}

async function stopAgent(ctx: WorkerContext, name: string): Promise<void> {
  const runtime = agents.get(name);
  if (!runtime) return;
  agents.delete(name);
  runtime.heartbeat.stop();
  runtime.cleanup.stop();
  await runtime.host.stop().catch((error: unknown) => ctx.log.warn({ err: error, agent: name }, 'cron of a removed agent did not stop cleanly'));
  ctx.log.info({ agent: name }, 'automation stopped for a removed agent');
}

async function startAgent(ctx: WorkerContext, name: string): Promise<void> {
  const home = ctx.home;
  const config = () => configOf(name, home);
  const log = ctx.log.child({ agent: name });
  const target = agentTarget(name);
  const host = new AgentHost({
    agent: name,
    home: name === 'main' ? home : subAgentHome(home, name),
    config,
    locks,
    log,
    calls: {
      runCron: (params, timeoutMs) => ctx.peer.request('runCron', params, { target, timeoutMs }),
      wakeHook: (hookId, prompt, timeoutMs) => ctx.peer.request('wakeHook', { hookId, prompt }, { target, timeoutMs }),
    },
  });
  const heartbeat = new HeartbeatLoop({
    log,
    settings: () => ({ heartbeat: config().heartbeat, allowedUserIds: config().allowed_user_ids, timeZone: host.timeZone() }),
    tick: (t, cooldownMinutes) =>
      ctx.peer.request(
        'heartbeatTick',
        {
          chat: { transport: t.transport === 'mx' || t.transport === 'api' ? t.transport : 'tg', chatId: t.chatId, topicId: t.topicId },
          prompt: t.prompt,
          ackToken: t.ackToken,
          cooldownMinutes,
        },
        { target, timeoutMs: config().cli_timeout * 1000 + HEARTBEAT_GRACE_MS },
      ),
  });
  const cleanup = new CleanupLoop({ workspace: host.paths.workspace, log, settings: () => ({ cleanup: config().cleanup, timeZone: host.timeZone() }) });
  agents.set(name, { host, heartbeat, cleanup });
  await host.start();
  heartbeat.start();
  cleanup.start();
}

/** Finds the hook `id` in any agent; ids are expected to be unique across agents, the main agent wins a clash. */
function findHook(id: string): { runtime: AgentRuntime; hook: NonNullable<ReturnType<AgentHost['hook']>> } | undefined {
  for (const runtime of agents.values()) {
    const hook = runtime.host.hook(id);
    if (hook) return { runtime, hook };
  }
  return undefined;
}

async function startWebhooks(ctx: WorkerContext): Promise<void> {
  const settings = configOf('main', ctx.home).webhooks;
  if (!settings.enabled) return;
  if (settings.token === '') {
    generatedToken = randomBytes(32).toString('base64url');
    // The key is named, the value never logged.
    await updateConfigKeys(mainPaths(ctx.home).configFile, { 'webhooks.token': generatedToken });
    ctx.log.info({ key: 'webhooks.token' }, 'webhook token generated and saved to config.json');
  }
  const seen = new Map<string, string>();
  for (const [name, runtime] of agents) {
    for (const id of runtime.host.hookIds()) {
      const owner = seen.get(id);
      if (owner) ctx.log.warn({ hook: id, agent: name, owner }, 'webhook id used by two agents; the first one answers');
      else seen.set(id, name);
    }
  }
  const { startWebhookServer } = await import('./webhook-server.js');
  webhookServer = await startWebhookServer({
    host: settings.host,
    port: settings.port,
    maxBodyBytes: settings.max_body_bytes,
    rateLimitPerMinute: settings.rate_limit_per_minute,
    globalToken: () => configOf('main', ctx.home).webhooks.token || generatedToken,
    getHook: (id) => findHook(id)?.hook,
    dispatch: (hook, payload) => {
      const found = findHook(hook.id);
      return found ? found.runtime.host.dispatch(hook, payload) : 'error:hook_gone';
    },
    recordTrigger: (hook, record) => findHook(hook.id)?.runtime.host.recordHook(hook, record.at, record.status),
    log: ctx.log.child({ part: 'webhooks' }),
  });
}

/** The internal API for the agents' tool scripts; see listen.ts for the port. */
function startInternalApiOnFreePort(ctx: WorkerContext): Promise<InternalApi | null> {
  const agentNames = () => ['main', ...(configs?.agents.map((a) => a.name) ?? [])];
  return listenOnConfiguredOrFreePort({
    home: ctx.home,
    configured: configOf('main', ctx.home).interagent_port,
    start: (port) => startInternalApiFor(ctx, () => ({ ...configOf('main', ctx.home), interagent_port: port }), agentNames),
    log: ctx.log,
  });
}

/**
 * The update check asks only the source the user configured (`update_source`; a source checkout
 * follows its git remote by default): the name `ductor` on the npm registry is nobody's promise.
 * Read on every check, so a changed `update_source` applies without a restart.
 */
function startUpdateCheck(ctx: WorkerContext): void {
  const root = packageInfo().root;
  const source = () => resolveUpdateSource(configOf('main', ctx.home).update_source, root);
  const initial = source();
  if (initial.kind === 'off') ctx.log.info({ reason: initial.reason }, 'update check off');
  updater = new UpdateChecker({
    currentVersion: packageInfo().version,
    stateFile: join(mainPaths(ctx.home).runDir, 'update-check.json'),
    latest: async () => {
      const active = source();
      if (active.kind === 'off') throw new Error(active.reason);
      return (await checkForUpdate(runCommand, packageInfo().version, active)).latest;
    },
    enabled: () => configOf('main', ctx.home).update_check && source().kind !== 'off',
    notify: async ({ latest, current }) => {
      const notice = updateNotice(latest, current, configOf('main', ctx.home).language, releaseLinks(source(), latest));
      await ctx.peer.request('notifyUser', { agent: 'main', ...notice }, { target: 'transport', timeoutMs: 60_000 });
    },
    log: ctx.log.child({ part: 'update-check' }),
  });
  updater.start();
}

// Not awaited (the bundles are CommonJS, without top-level await): a start that fails rejects,
// and the runtime logs that unhandled rejection as fatal and exits non-zero.
void runWorker({
  start: async (ctx) => {
    configs = await loadAllConfigs(ctx.home);
    for (const name of ['main', ...configs.agents.map((a) => a.name)]) await startAgent(ctx, name);
    // A webhook port held by another program (or another ductor home) leaves cron and the rest running.
    await startWebhooks(ctx).catch((error: unknown) => {
      const inUse = (error as NodeJS.ErrnoException).code === 'EADDRINUSE';
      ctx.log.error({ err: error, key: 'webhooks.port' }, inUse ? 'webhook port in use (another ductor home?); webhooks are off until webhooks.port is changed and ductor restarted' : 'webhook server could not start');
    });
    startUpdateCheck(ctx);
    // The internal API for the agent and task tools; a taken port is replaced by a free one.
    internalApi = await startInternalApiOnFreePort(ctx);
    // End internal API ---------------------------------------------------------------------------
  },
  handlers: (ctx) => ({
    runCronNow: async ({ agent, jobId }) => {
      const { host } = await runtimeOf(ctx, agent);
      await host.checkNow();
      const result = await host.cron.trigger(jobId);
      return result.ran ? { ran: true, status: result.outcome.status } : { ran: false, status: result.reason };
    },
    reloadAutomation: async ({ agent }) => {
      const { host } = await runtimeOf(ctx, agent);
      return { jobs: await host.reloadJobs(), hooks: await host.reloadHooks() };
    },
    configChanged: async ({ hot }) => {
      await reloadAgents(ctx);
      if (hot.includes('user_timezone')) {
        for (const { host } of agents.values()) await host.onConfigChanged();
      }
      ctx.log.info({ hot }, 'config reloaded');
    },
  }),
  stop: async () => {
    updater?.stop();
    for (const { heartbeat, cleanup } of agents.values()) {
      heartbeat.stop();
      cleanup.stop();
    }
    await webhookServer?.close().catch(() => undefined);
    await internalApi?.close().catch(() => undefined);
    await Promise.all([...agents.values()].map(({ host }) => host.stop()));
  },
});
