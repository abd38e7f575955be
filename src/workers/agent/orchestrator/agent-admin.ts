/**
 * `/agents`, `/agent_start`, `/agent_stop`, `/agent_restart` (main agent only): the sub-agents'
 * health from the supervisor, and starting, stopping or restarting one of them.
 */
import { texts } from './texts.js';
import type { WorkerStatus } from '../../../shared/rpc/contract.js';
import type { RpcPeer } from '../../../shared/rpc/peer.js';
import type { Reply } from './commands.js';

const ADMIN = /^\/(agents|agent_start|agent_stop|agent_restart)(?:@\w+)?(?:\s+(\S+))?\s*$/i;

export function isAgentAdminCommand(text: string): boolean {
  return ADMIN.test(text.trim());
}

export async function runAgentAdmin(peer: RpcPeer, self: string, text: string): Promise<Reply> {
  const plain = (t: string): Reply => ({ text: t, format: 'plain', buttons: [] });
  if (self !== 'main') return plain(texts.agentsMainOnly);
  const match = ADMIN.exec(text.trim())!;
  const command = match[1]!.toLowerCase();
  const name = match[2];
  if (command === 'agents') {
    const status = await peer.request('status', {});
    const agents = status.workers.filter((w) => w.role === 'agent');
    return plain([texts.agentsTitle, ...agents.map(describe)].join('\n'));
  }
  if (!name) return plain(texts.agentUsage(command));
  if (name === 'main') return plain(texts.agentMainRestart);
  const action = command === 'agent_start' ? 'start' : command === 'agent_stop' ? 'stop' : 'restart';
  const result = await peer.request('agentControl', { name, action }, { timeoutMs: 60_000 });
  return plain(result.worker ? `${name}: ${texts.workerState(result.worker.state)}` : texts.agentUnknown(name));
}

function describe(w: WorkerStatus): string {
  const mark = w.state === 'ready' ? '●' : w.state === 'starting' || w.state === 'backoff' ? '◐' : w.state === 'crashed' ? '✖' : '○';
  const minutes = w.uptimeMs === null ? null : Math.round(w.uptimeMs / 60_000);
  return `${mark} ${texts.agentLine(w.agent ?? w.id, w.agent === 'main', texts.workerState(w.state), minutes, w.restarts)}`;
}
