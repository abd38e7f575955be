/** The home folder and every path derived from it. `DUCTOR_HOME` wins over the default `~/.ductor`. */
import { homedir } from 'node:os';
import { join, resolve } from 'node:path';

/** Resolves the main home: `$DUCTOR_HOME` if set, else `~/.ductor`; `~` is expanded. */
export function resolveHome(env: NodeJS.ProcessEnv = process.env): string {
  const raw = env.DUCTOR_HOME && env.DUCTOR_HOME.trim() !== '' ? env.DUCTOR_HOME : '~/.ductor';
  return resolve(expandTilde(raw));
}

export function expandTilde(path: string): string {
  if (path === '~') return homedir();
  if (path.startsWith('~/')) return join(homedir(), path.slice(2));
  return path;
}

/** Paths inside one agent home (the main home or `agents/<name>/`). */
export function agentPaths(home: string) {
  const workspace = join(home, 'workspace');
  return {
    home,
    configDir: join(home, 'config'),
    configFile: join(home, 'config', 'config.json'),
    sessionsFile: join(home, 'sessions.json'),
    namedSessionsFile: join(home, 'named_sessions.json'),
    cronJobsFile: join(home, 'cron_jobs.json'),
    webhooksFile: join(home, 'webhooks.json'),
    inflightFile: join(home, 'inflight_turns.json'),
    inboxFile: join(home, 'inbox.json'),
    envFile: join(home, '.env'),
    tmpDir: join(home, 'tmp'),
    workspace,
    memoryDir: join(workspace, 'memory_system'),
    mainMemoryFile: join(workspace, 'memory_system', 'MAINMEMORY.md'),
    cronTasksDir: join(workspace, 'cron_tasks'),
    tasksDir: join(workspace, 'tasks'),
    skillsDir: join(workspace, 'skills'),
    toolsDir: join(workspace, 'tools'),
    telegramFilesDir: join(workspace, 'telegram_files'),
    outputToUserDir: join(workspace, 'output_to_user'),
  };
}
export type AgentPaths = ReturnType<typeof agentPaths>;

/** Paths that exist only in the main home. */
export function mainPaths(home: string) {
  return {
    ...agentPaths(home),
    logsDir: join(home, 'logs'),
    pidFile: join(home, 'bot.pid'),
    lockTarget: join(home, 'config'),
    supervisorStateFile: join(home, 'run', 'supervisor.json'),
    runDir: join(home, 'run'),
    agentsFile: join(home, 'agents.json'),
    agentsDir: join(home, 'agents'),
    sharedMemoryFile: join(home, 'SHAREDMEMORY.md'),
    tasksFile: join(home, 'tasks.json'),
    restartRequestedFile: join(home, 'restart-requested'),
    restartSentinelFile: join(home, 'restart-sentinel.json'),
    upgradeSentinelFile: join(home, 'upgrade-sentinel.json'),
    chatActivityFile: join(home, 'chat_activity.json'),
    controlSocket: join(home, 'run', 'control.sock'),
  };
}
export type MainPaths = ReturnType<typeof mainPaths>;

/** The home of sub-agent `name` under the main home. */
export function subAgentHome(mainHome: string, name: string): string {
  return join(mainHome, 'agents', name);
}
