/**
 * `/agents` (any agent): every agent's state, pid, uptime, restarts and memory against its limit;
 * `/agent_start`, `/agent_stop`, `/agent_restart` (main agent only): control one sub-agent.
 */
import { texts } from './texts.js';
import type { WorkerStatus } from '../../../shared/rpc/contract.js';
import type { RpcPeer } from '../../../shared/rpc/peer.js';
import { memoryLimitOf } from '../../../shared/config/agent-config.js';
import { formatUptime, residentMiB } from '../../../shared/proc-memory.js';
import { loadAllConfigs } from '../../../shared/worker/effective-config.js';
import type { Reply } from './commands.js';
import { atMostOneWord, type CommandRegistration } from './command-registry.js';

export type AgentAdminOptions = { peer: RpcPeer; self: string; mainHome: string };

type AdminCommand = 'agents' | 'agent_start' | 'agent_stop' | 'agent_restart';

/** `/agents` and `/agent_start|stop|restart <name>`; more than one word is no command of ours. */
export function agentAdminCommands(options: AgentAdminOptions): CommandRegistration[] {
  return (['agents', 'agent_start', 'agent_stop', 'agent_restart'] as const).map((command) => ({
    names: [command],
    accepts: atMostOneWord,
    run: ({ args }) => runAgentAdmin(options, command, args === '' ? undefined : args),
  }));
}

async function runAgentAdmin(options: AgentAdminOptions, command: AdminCommand, name: string | undefined): Promise<Reply> {
  const { peer, self } = options;
  const plain = (t: string): Reply => ({ text: t, format: 'plain', buttons: [] });
  // The list is useful in every agent's chat; starting and stopping is the main agent's job.
  if (command === 'agents') {
    const status = await peer.request('status', {});
    const agents = status.workers.filter((w) => w.role === 'agent');
    const limitOf = await memoryLimits(options.mainHome);
    return plain([texts.agentsTitle, ...agents.map((w) => describe(w, limitOf))].join('\n'));
  }
  if (self !== 'main') return plain(texts.agentsMainOnly);
  if (!name) return plain(texts.agentUsage(command));
  if (name === 'main') return plain(texts.agentMainRestart);
  const action = command === 'agent_start' ? 'start' : command === 'agent_stop' ? 'stop' : 'restart';
  const result = await peer.request('agentControl', { name, action }, { timeoutMs: 60_000 });
  return plain(result.worker ? `${name}: ${texts.workerState(result.worker.state)}` : texts.agentUnknown(name));
}

/** Each agent's memory limit (MiB); null when the config cannot be read just now. */
async function memoryLimits(mainHome: string): Promise<(agent: string) => number | null> {
  try {
    const all = await loadAllConfigs(mainHome);
    return (agent) => memoryLimitOf(all.main, all.agents, agent);
  } catch {
    return () => null;
  }
}

function describe(w: WorkerStatus, limitOf: (agent: string) => number | null): string {
  const mark = w.state === 'ready' ? '●' : w.state === 'starting' || w.state === 'backoff' ? '◐' : w.state === 'crashed' ? '✖' : '○';
  const agent = w.agent ?? w.id;
  const parts = [`${agent === 'main' ? texts.agentsRoleMain : texts.agentsRoleSub}, ${texts.workerState(w.state)}`];
  if (w.pid !== null) parts.push(texts.agentsPid(w.pid));
  if (w.uptimeMs !== null) parts.push(texts.agentsUp(formatUptime(w.uptimeMs)));
  parts.push(texts.agentsRestarts(w.restarts));
  const used = w.pid === null ? null : residentMiB(w.pid);
  const limit = limitOf(agent);
  if (used !== null) parts.push(limit === null ? texts.agentsMemory(Math.round(used)) : texts.agentsMemoryOf(Math.round(used), limit));
  else if (limit !== null) parts.push(texts.agentsLimit(limit));
  return `${mark} ${agent} — ${parts.join(', ')}`;
}
