/** Entry of an agent worker process: one agent's sessions, queue, CLI turns and outbox. */
import { StopNotices } from './orchestrator/stop-notices.js';
import { join } from 'node:path';
import { resolveTimezone, updateConfigKeys } from '../../shared/config/load.js';
import type { Config } from '../../shared/config/schema.js';
import { packageInfo } from '../../shared/package-info.js';
import { agentPaths, mainPaths, subAgentHome } from '../../shared/paths.js';
import { CodexModelCatalog } from './providers/codex-model-catalog.js';
import { ChatApprovals } from './orchestrator/chat-approvals.js';
import type { CorruptReport } from '../../shared/store/json-store.js';
import { configOfAgent, loadAllConfigs, type AgentConfigs } from '../../shared/worker/effective-config.js';
import { runWorker, SUPERVISOR_LOST, type WorkerContext } from '../../shared/worker/runtime.js';
import { turnGraceMs } from '../../shared/worker/turn-grace.js';
import { agentTarget } from '../../shared/rpc/targets.js';
import { AgentAutomation, automationHandlers } from './automation/agent-automation.js';
import { cliEnv } from './cli-env.js';
import { updateAgentEntry } from './agents-file.js';
import { InboxJournal } from './inbox/inbox-journal.js';
import { agentAdminCommands } from './orchestrator/agent-admin.js';
import { providerChoices } from './orchestrator/provider-choices.js';
import { AgentService } from './orchestrator/agent-service.js';
import { providerForModel } from '../../shared/models.js';
import { Outbox } from './orchestrator/outbox.js';
import { ProviderAdapter } from './orchestrator/provider-adapter.js';
import { TurnSandbox } from './sandbox/turn-sandbox.js';
import { runCommand } from '../../shared/command-runner.js';
import { SessionManager, type Target } from './sessions/session-manager.js';
import { diagnoseText } from './commands/diagnose.js';
import { useLanguage } from './orchestrator/texts.js';
// Delegation, tasks, named sessions, shared memory
import { AgentExtras, extrasCommands, extrasHandlers } from './delegation/extras.js';
// Rule file and skill sync
import { startHomeSync, type HomeSync } from './home-sync.js';
import { appendRuntimeSection } from './rules/runtime-section.js';

let service: AgentService | null = null;
// Docker sandbox: every turn is checked against docker.enabled before it starts.
let sandbox: TurnSandbox | null = null;
let configs: AgentConfigs | null = null;
// Automation (cron, webhooks, heartbeat): built once the service exists.
let automation: AgentAutomation | null = null;

function requireAutomation(): AgentAutomation {
  if (!automation) throw new Error('agent is still starting');
  return automation;
}

// Delegation, tasks, named sessions, shared memory: built once the service exists.
let extras: AgentExtras | null = null;
// Rule file and skill sync: background loops, stopped first on shutdown.
let homeSync: HomeSync | null = null;

function requireExtras(): AgentExtras {
  if (!extras) throw new Error('agent is still starting');
  return extras;
}

function requireService(): AgentService {
  if (!service) throw new Error('agent is still starting');
  return service;
}

let codexCatalog: CodexModelCatalog | undefined;

async function start(ctx: WorkerContext): Promise<void> {
  const name = ctx.agent ?? 'main';
  const mainHome = ctx.home;
  const agentHome = name === 'main' ? mainHome : subAgentHome(mainHome, name);
  const paths = agentPaths(agentHome);
  configs = await loadAllConfigs(mainHome);
  const config = (): Config => configOfAgent(configs!, name, mainHome);
  const onCorrupt = (report: CorruptReport) => ctx.log.error({ file: report.file, movedTo: report.movedTo, reason: report.reason }, 'state file was corrupt and was moved aside');
  const timeZone = () => resolveTimezone(config(), { onWarning: (w) => ctx.log.warn(w) });
  const configuredTarget = (): Target => {
    const c = config();
    return { provider: providerForModel(c.model), model: c.model, reasoningEffort: c.reasoning_effort };
  };
  useLanguage(config().language);
  const sessions = new SessionManager(paths.sessionsFile, onCorrupt);
  const outbox = new Outbox(
    join(agentHome, 'outbox.json'),
    (delivery) => ctx.peer.request('deliver', { agent: name, ...delivery }, { target: 'transport', timeoutMs: 120_000 }),
    ctx.log,
    onCorrupt,
  );
  sandbox = new TurnSandbox({ mainHome, owner: name === 'main', docker: () => config().docker, log: ctx.log });
  const turnSandbox = sandbox;
  const provider = new ProviderAdapter((msg, fields) => ctx.log.debug(fields ?? {}, msg), () => turnSandbox.decide());
  // /model offers the models the installed codex lists (cached in the main home's config folder).
  codexCatalog = new CodexModelCatalog({ cacheFile: join(mainPaths(mainHome).configDir, 'codex_models.json'), onError: (error) => ctx.log.debug({ err: error }, 'codex model discovery failed') });
  const codexModels = codexCatalog;
  const approvals = new ChatApprovals({ send: (delivery) => outbox.send(delivery), answer: (id, decision) => provider.answerApproval(id, decision), timeoutMs: () => config().approval_timeout_seconds * 1000 });
  void codexModels.start({ discover: name === 'main' && !config().docker.enabled }).catch((error: unknown) => ctx.log.warn({ err: error }, 'codex model list not loaded'));
  service = new AgentService({
    log: ctx.log,
    journal: new InboxJournal(join(agentHome, 'inbox.json'), onCorrupt),
    outbox,
    turn: {
      agent: name,
      paths,
      log: ctx.log,
      config,
      sessions,
      outbox,
      runTurn: provider.runTurn,
      approvals,
      stream: (turnId, chat, replyTo, events) => ctx.peer.notify('turnStream', { agent: name, turnId, chat, replyTo, events }, { target: 'transport' }),
      configuredTarget,
      timeZone,
      env: (chat) => cliEnv({ agent: name, mainHome, agentHome, sharedMemoryFile: mainPaths(mainHome).sharedMemoryFile, config: config(), chat }),
      stopNotices: new StopNotices(),
    },
    commands: {
      agent: name,
      version: packageInfo().version,
      config,
      sessions,
      memoryFile: paths.mainMemoryFile,
      configuredTarget,
      saveDefaultModel: async (model, providerName) => {
        if (name === 'main') await updateConfigKeys(mainPaths(mainHome).configFile, { model, provider: providerName });
        else await updateAgentEntry(mainPaths(mainHome).agentsFile, name, { model, provider: providerName });
        configs = await loadAllConfigs(mainHome);
      },
      codexModels: () => codexModels.ids(),
      codexEfforts: (model) => codexModels.effortsOf(model),
      providerChoices: () => providerChoices({ config: config() }),
      // /diagnose asks the supervisor for worker states and reads this agent's log.
      diagnose: (effective) =>
        diagnoseText({
          version: packageInfo().version,
          configured: configuredTarget(),
          effective,
          status: () => ctx.peer.request('status', {}, { timeoutMs: 5_000 }),
          logFile: join(mainPaths(mainHome).logsDir, `agent-${name}.log`),
          secrets: [config().telegram_token],
        }),
    },
    queueUpdate: (chat, inboundIds, outcome, started) =>
      ctx.peer.notify('queueUpdate', { agent: name, chat, inboundIds, outcome, turnId: started?.turnId ?? null, replyTo: started?.replyTo ?? null }, { target: 'transport' }),
    // /agents, /agent_start|stop|restart (answered by the supervisor); /session, /sessions, /tasks.
    extraCommands: [...agentAdminCommands({ peer: ctx.peer, self: name, mainHome }), ...extrasCommands(requireExtras)],
    // /upgrade checks npm, installs, and has the supervisor replace the process.
    upgrade: {
      home: mainHome,
      version: packageInfo().version,
      packageRoot: packageInfo().root,
      updateSource: () => config().update_source,
      run: runCommand,
      restartProcess: async (reason) => {
        await ctx.peer.request('restartProcess', { reason }, { timeoutMs: 10_000 });
      },
      log: ctx.log,
    },
    // `@name …` follow-ups; /stop_all also stops background work.
    intercept: (message, text) => (extras ? extras.intercept(message, text) : Promise.resolve(null)),
    stopBackground: () => extras?.stopAll() ?? 0,
    // /cron: the agent writes `enabled` under the lock; the scheduler reloads and runs the jobs.
    cron: {
      cronJobsFile: paths.cronJobsFile,
      reload: () => ctx.peer.request('reloadAutomation', { agent: name }, { target: 'scheduler', timeoutMs: 10_000 }),
      // A run lasts as long as its CLI; the selector has long answered by then.
      runNow: (jobId) => ctx.peer.request('runCronNow', { agent: name, jobId }, { target: 'scheduler', timeoutMs: 24 * 3600_000 }),
      timeZone,
    },
    stopOtherAgents: async () => {
      if (name !== 'main') return 0;
      const status = await ctx.peer.request('status', {});
      let total = 0;
      for (const worker of status.workers) {
        if (worker.role !== 'agent' || worker.id === ctx.id || worker.state !== 'ready') continue;
        const { aborted } = await ctx.peer.request('stopTurns', { reason: 'stop_all' }, { target: worker.id });
        total += aborted;
      }
      return total;
    },
  });
  await service.start();
  // Automation ----------------------------------------------------------------------------------
  automation = new AgentAutomation({
    agent: name,
    paths,
    log: ctx.log,
    config,
    runTurn: provider.runTurn,
    outbox,
    sessions,
    service,
    env: (chat) => cliEnv({ agent: name, mainHome, agentHome, sharedMemoryFile: mainPaths(mainHome).sharedMemoryFile, config: config(), chat }),
  });
  // Delegation, tasks, named sessions, shared memory ------------------------------------
  extras = new AgentExtras(
    {
      agent: name,
      mainHome,
      paths,
      log: ctx.log,
      config,
      runTurn: provider.runTurn,
      outbox,
      env: (chat) => cliEnv({ agent: name, mainHome, agentHome, sharedMemoryFile: mainPaths(mainHome).sharedMemoryFile, config: config(), chat }),
      configuredTarget,
      service: requireService,
    },
    {
      tasksFile: mainPaths(mainHome).tasksFile,
      sharedMemoryFile: mainPaths(mainHome).sharedMemoryFile,
      onCorrupt,
      sendDone: (agent, params) => ctx.peer.request('delegateDone', params, { target: agentTarget(agent), timeoutMs: 60_000 }),
    },
  );
  await extras.start();
  // Rule file and skill sync ------------------------------------------------------------
  const otherAgents = ['main', ...configs.agents.map((a) => a.name)].filter((other) => other !== name);
  const withSection = await appendRuntimeSection(paths.workspace, { agent: name, isMain: name === 'main', otherAgents, docker: config().docker.enabled });
  if (withSection.length > 0) ctx.log.info({ files: withSection.length }, 'runtime section added to the workspace rule files');
  homeSync = startHomeSync({ agentHome, isMain: name === 'main', log: ctx.log });
}

// Not awaited (the bundles are CommonJS, without top-level await): a start that fails rejects,
// and the runtime logs that unhandled rejection as fatal and exits non-zero.
void runWorker({
  start,
  handlers: (ctx) => ({
    inbound: (message) => requireService().inbound(message),
    cancelQueued: ({ inboundId, chat }) => requireService().cancelQueued(inboundId, chat),
    stopTurns: ({ reason }) => ({ aborted: requireService().stopEverything(reason) }),
    ...automationHandlers(requireAutomation),
    ...extrasHandlers(requireExtras),
    configChanged: async () => {
      try {
        configs = await loadAllConfigs(ctx.home);
        useLanguage(configOfAgent(configs, ctx.agent ?? 'main', ctx.home).language);
        ctx.log.info('config reloaded');
      } catch (error) {
        ctx.log.warn({ err: error }, 'config reload failed; keeping the previous config');
      }
    },
  }),
  stop: async (_ctx, reason) => {
    // A lost supervisor is a crash: running turns stay in the journal for a Retry after the start.
    if (reason === SUPERVISOR_LOST) {
      await service?.abandon();
      return;
    }
    await homeSync?.stop(); // takes back the skill links it made
    extras?.stop();
    codexCatalog?.stop();
    await service?.stop(turnGraceMs());
    await sandbox?.shutdown(); // after the CLIs are gone; only the main agent tears down
  },
});
