/**
 * `ductor` in the foreground: take the home lock, load and validate the config, seed the home,
 * fork the workers, serve the control socket, watch config.json and the restart marker, and stop
 * everything in order on SIGINT/SIGTERM. Resolves with the process exit code.
 */
import { existsSync, unlinkSync, unwatchFile, watchFile } from 'node:fs';
import { homedir } from 'node:os';
import type { Logger } from 'pino';
import { diffConfig, loadConfig } from '../shared/config/load.js';
import { loadAgentsFile, memoryLimitOf, type AgentEntry } from '../shared/config/agent-config.js';
import type { Config } from '../shared/config/schema.js';
import { controlSocketPath } from '../shared/control-socket.js';
import { ConfigError, describeError } from '../shared/errors.js';
import { EXIT_CONFIG, EXIT_FAILURE, EXIT_OK, EXIT_RESTART } from '../shared/exit-codes.js';
import { loggedInProviders } from '../shared/home/provider-logins.js';
import { defaultHomeDefaultsDir, seedHome } from '../shared/home/seed.js';
import { createLogger, flushLogs } from '../shared/log/logger.js';
import { packageInfo } from '../shared/package-info.js';
import { startupDone } from '../shared/startup-done.js';
import { catalogue } from '../shared/i18n/index.js';
import { mainPaths, subAgentHome } from '../shared/paths.js';
import { startControlServer } from './control-server.js';
import { watchAgents } from './agents-watch.js';
import { startMemoryWatch } from './memory-watch.js';
import { acquirePidLock } from './pid-lock.js';
import type { StandbyWorkers } from './prefork.js';
import { Supervisor } from './supervisor.js';
import { workerSpecs } from './worker-specs.js';

/** How often config.json and the restart marker are checked (ms). */
const WATCH_INTERVAL_MS = 2_000;

export type RunOptions = {
  home: string;
  verbose?: boolean;
  say?: (line: string) => void;
  /** Workers forked ahead of time (prefork.ts); the handles adopt them on their first start. */
  standby?: StandbyWorkers;
  /** config.json as the caller just loaded it (`ductor start` checks it first): not parsed twice. */
  loaded?: { config: Config; warnings: string[] };
  /**
   * Work that is not part of starting, run once every worker is ready (or failed its first start):
   * before, it would take CPU from the workers' start on a small machine.
   */
  afterStart?: () => void;
};

export async function runSupervisor(options: RunOptions): Promise<number> {
  const say = options.say ?? ((line: string) => process.stderr.write(`ductor: ${line}\n`));
  const paths = mainPaths(options.home);

  let config: Config;
  let configWarnings: string[] = [];
  try {
    ({ config, warnings: configWarnings } = options.loaded ?? (await loadConfig(paths.configFile)));
  } catch (error) {
    if (error instanceof ConfigError) {
      say(error.message);
      return EXIT_CONFIG;
    }
    throw error;
  }

  let stopRequested: (reason: string) => void = () => undefined;
  // Set when the process itself must be replaced (new code installed): the run ends with 42.
  let replaceProcess = false;
  const stopped = new Promise<string>((resolve) => {
    stopRequested = resolve;
  });
  const processRestartRequested = (reason: string) => {
    replaceProcess = true;
    stopRequested(reason);
  };
  const lock = await acquirePidLock({
    home: options.home,
    say,
    onCompromised: (error) => stopRequested(`home lock lost: ${error.message}`),
  });

  const logLevel = options.verbose ? 'debug' : config.log_level;
  const log = createLogger({ logsDir: paths.logsDir, fileName: 'supervisor', role: 'supervisor', level: logLevel, alsoStderr: true });
  const { version } = packageInfo();
  // Undone in reverse order whatever happens, so a failure never leaves a watcher keeping the process alive.
  const cleanups: Array<() => unknown> = [];
  try {
    // Values that were accepted but do not mean what they say (an unknown user_timezone, …).
    for (const warning of configWarnings) log.warn(warning);
    const agentsFile = await loadAgentsFile(paths.agentsFile, { mainTelegramToken: config.telegram_token });
    for (const warning of agentsFile.warnings) log.warn(warning);
    const agents = ['main', ...agentsFile.agents.map((a) => a.name)];
    const defaultsDir = defaultHomeDefaultsDir();
    // Rule files follow the CLIs that are logged in; files only, no waiting.
    const authenticatedProviders = await loggedInProviders({ env: process.env, userHome: homedir(), geminiApiKey: config.gemini_api_key });
    log.info({ providers: authenticatedProviders }, 'logged-in providers for rule files');
    await seedHome(options.home, { role: 'main', defaultsDir, authenticatedProviders });
    for (const name of agents.slice(1)) await seedHome(subAgentHome(options.home, name), { role: 'sub', defaultsDir, authenticatedProviders });

    const specOptions = { home: options.home, env: process.env, logLevel };
    const supervisor = new Supervisor({
      home: options.home,
      version,
      log,
      specs: workerSpecs({ ...specOptions, agents }),
      onStopRequested: (reason) => stopRequested(reason),
      takeStandby: (id) => options.standby?.take(id) ?? null,
      language: config.language,
      onProcessRestartRequested: processRestartRequested,
      agentSpec: (name) => workerSpecs({ ...specOptions, agents: [name] }).find((spec) => spec.agent === name)!,
      prepareAgent: async (name) => {
        await seedHome(subAgentHome(options.home, name), { role: 'sub', defaultsDir, authenticatedProviders });
      },
    });
    const control = await startControlServer({
      socketPath: controlSocketPath(options.home),
      handlers: (peer, onClose) => ({
        ...supervisor.supervisorHandlers(),
        restartAll: async ({ reason }) => {
          await supervisor.restartAll(reason);
          return { ok: true as const };
        },
        consoleAttach: () => {
          const { consoleId, detach } = supervisor.attachConsole(peer);
          onClose(detach);
          return { consoleId };
        },
      }),
      route: supervisor.route,
      log,
    });
    cleanups.push(() => control.close());
    let stopReason = 'supervisor failed';
    cleanups.push(() => supervisor.shutdown(stopReason));

    const onSignal = (signal: NodeJS.Signals) => stopRequested(signal);
    process.on('SIGINT', onSignal);
    process.on('SIGTERM', onSignal);
    process.on('SIGHUP', () => void supervisor.restartAll('SIGHUP'));
    cleanups.push(() => {
      process.off('SIGINT', onSignal);
      process.off('SIGTERM', onSignal);
    });

    const t0 = performance.now();
    await supervisor.startAll();
    options.standby?.discard(); // forked for agents that turned out invalid
    startupDone();
    log.info({ version, pid: process.pid, workers: supervisor.handles.size, ms: Math.round(performance.now() - t0) }, 'ductor is running');
    options.afterStart?.();

    cleanups.push(watchFiles(paths.configFile, paths.restartRequestedFile, config, supervisor, log));
    const announceAgents = () => {
      for (const handle of supervisor.handles.values()) {
        if (handle.state === 'ready' && handle.spec.role !== 'agent') handle.peer?.notify('configChanged', { hot: ['agents'], restart: [] });
      }
    };
    // Entries left out of agents.json (a shared token, a repeated name, a bad field) are told to main's chat too.
    const reportAgentsProblems = (warnings: string[]) => supervisor.notify('main', catalogue(config.language).agentsFileProblems(warnings.map((w) => `• ${w}`).join('\n')));
    if (agentsFile.warnings.length > 0) reportAgentsProblems(agentsFile.warnings);
    cleanups.push(watchAgents({
      file: paths.agentsFile, initial: agentsFile.agents, initialWarnings: agentsFile.warnings, mainTelegramToken: config.telegram_token,
      supervisor, log, announce: announceAgents, report: reportAgentsProblems,
    }));
    cleanups.push(startMemoryWatch(supervisor, () => currentMemoryLimits(paths.configFile, paths.agentsFile, config), log));
    stopReason = await stopped;
    log.info({ reason: stopReason }, 'shutting down');
    // Watchers first (nothing new starts), then the workers in order, then the control socket.
    await runCleanups(cleanups, log);
    log.info(replaceProcess ? 'ductor stopped; the process restarts' : 'ductor stopped');
    return replaceProcess ? EXIT_RESTART : EXIT_OK;
  } catch (error) {
    log.fatal({ err: error }, 'supervisor failed');
    say(`failed: ${describeError(error)}`);
    await runCleanups(cleanups, log);
    return EXIT_FAILURE;
  } finally {
    await lock.release();
    flushLogs();
  }
}

/** The last config.json and agents.json that read well, for while a file is being edited. */
let lastGoodConfig: Config | null = null;
let lastGoodEntries: AgentEntry[] = [];

/** Each agent's memory limit as config.json and agents.json say now (unreadable: the last good ones). */
async function currentMemoryLimits(configFile: string, agentsFile: string, initial: Config): Promise<{ limitOf: (agent: string) => number; language: string }> {
  const main = await loadConfig(configFile).then(({ config }) => (lastGoodConfig = config), () => lastGoodConfig ?? initial);
  const entries = await loadAgentsFile(agentsFile, { mainTelegramToken: main.telegram_token }).then(({ agents }) => (lastGoodEntries = agents), () => lastGoodEntries);
  return { limitOf: (agent) => memoryLimitOf(main, entries, agent), language: main.language };
}

/** Runs and empties the cleanup list, last registered first; a failing step is logged and skipped. */
async function runCleanups(cleanups: Array<() => unknown>, log: Logger): Promise<void> {
  while (cleanups.length > 0) {
    const cleanup = cleanups.pop()!;
    try {
      await cleanup();
    } catch (error) {
      log.error({ err: error }, 'shutdown step failed');
    }
  }
}

/** Hot reload of config.json and the `restart-requested` marker an agent may `touch`. */
function watchFiles(configFile: string, markerFile: string, initial: Config, supervisor: Supervisor, log: Logger): () => void {
  let current = initial;
  const onConfig = () => {
    loadConfig(configFile).then(
      ({ config }) => {
        const diff = diffConfig(current, config);
        current = config;
        supervisor.useLanguage(config.language);
        if (diff.hot.length === 0 && diff.restart.length === 0) return;
        log.info({ hot: diff.hot, restart: diff.restart }, 'config.json changed');
        if (diff.restart.length > 0) log.warn({ keys: diff.restart }, 'these config changes apply after `ductor restart`');
        for (const handle of supervisor.handles.values()) {
          if (handle.state === 'ready') handle.peer?.notify('configChanged', diff);
        }
      },
      (error: unknown) => log.warn({ err: error }, 'config.json is invalid; keeping the previous config'),
    );
  };
  watchFile(configFile, { interval: WATCH_INTERVAL_MS }, onConfig);
  const marker = setInterval(() => {
    if (!existsSync(markerFile)) return;
    try {
      unlinkSync(markerFile);
    } catch (error) {
      log.warn({ err: error }, 'could not consume the restart marker');
      return;
    }
    void supervisor.restartAll('restart-requested marker');
  }, WATCH_INTERVAL_MS);
  marker.unref();
  return () => {
    unwatchFile(configFile, onConfig);
    clearInterval(marker);
  };
}
