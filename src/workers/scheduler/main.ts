/**
 * Entry of the scheduler worker: decides *when* for every agent (cron jobs, heartbeat polls,
 * daily cleanup, the update check) and hosts the webhook server for every agent's hooks. The
 * work itself is asked of the owning agent worker over the bus.
 */
import { updateNotice } from '../../shared/upgrade/update-notice.js';
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
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
import { npmViewLatest, UpdateChecker } from './update-check.js';
import { startWebhookServer, type WebhookServer } from './webhook-server.js';
// Internal API for the agents' tool scripts (issue 6) ------------------------------------------------
import type { InternalApi } from './internal-api/server.js';
import { startInternalApiFor } from './internal-api/wire.js';
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

function runtimeOf(name: string): AgentRuntime {
  const runtime = agents.get(name);
  if (!runtime) throw new Error(`no agent "${name}" in this scheduler`);
  return runtime;
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

/** Source checkouts are not upgraded through the registry (automation.md §5: upgradeable installs only). */
function isSourceCheckout(): boolean {
  const root = packageInfo().root;
  return existsSync(join(root, '.git')) || existsSync(join(root, 'src'));
}

function startUpdateCheck(ctx: WorkerContext): void {
  if (isSourceCheckout()) {
    ctx.log.debug('update check off: running from a source checkout');
    return;
  }
  updater = new UpdateChecker({
    currentVersion: packageInfo().version,
    stateFile: join(mainPaths(ctx.home).runDir, 'update-check.json'),
    latest: () => npmViewLatest('ductor'),
    enabled: () => configOf('main', ctx.home).update_check,
    notify: async ({ latest, current }) => {
      const notice = updateNotice(latest, current, configOf('main', ctx.home).language);
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
    await startWebhooks(ctx);
    startUpdateCheck(ctx);
    // Internal API (issue 6): a port already in use leaves cron and webhooks running; the tools then fail with a clear error.
    try {
      internalApi = await startInternalApiFor(ctx, () => configOf('main', ctx.home), () => ['main', ...(configs?.agents.map((a) => a.name) ?? [])]);
    } catch (error) {
      ctx.log.error({ err: error }, 'internal API could not start; agent and task tools will not work');
    }
    // End internal API ---------------------------------------------------------------------------
  },
  handlers: (ctx) => ({
    runCronNow: async ({ agent, jobId }) => {
      const { host } = runtimeOf(agent);
      await host.checkNow();
      const result = await host.cron.trigger(jobId);
      return result.ran ? { ran: true, status: result.outcome.status } : { ran: false, status: result.reason };
    },
    reloadAutomation: async ({ agent }) => {
      const { host } = runtimeOf(agent);
      return { jobs: await host.reloadJobs(), hooks: await host.reloadHooks() };
    },
    configChanged: async ({ hot }) => {
      try {
        configs = await loadAllConfigs(ctx.home);
      } catch (error) {
        ctx.log.warn({ err: error }, 'config reload failed; keeping the previous config');
        return;
      }
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
