/** Starts the internal API inside the scheduler worker: bus calls, agent list, health, registry. */
import type { Config } from '../../../shared/config/schema.js';
import { mainPaths } from '../../../shared/paths.js';
import { TasksFileSchema } from '../../../shared/rpc/delegation-schemas.js';
import { agentTarget } from '../../../shared/rpc/targets.js';
import { JsonStore } from '../../../shared/store/json-store.js';
import type { WorkerContext } from '../../../shared/worker/runtime.js';
import { internalApiSecret } from '../../../shared/security/internal-api-secret.js';
import { startInternalApi, type InternalApi } from './server.js';

/** Task calls return at once (the run goes on in the agent worker). */
const TASK_CALL_TIMEOUT_MS = 30_000;

export async function startInternalApiFor(ctx: WorkerContext, main: () => Config, agentNames: () => string[]): Promise<InternalApi> {
  const home = ctx.home;
  const registry = new JsonStore({ file: mainPaths(home).tasksFile, schema: TasksFileSchema, empty: () => ({ tasks: [] }) });
  const secret = internalApiSecret(home);
  return startInternalApi({
    port: main().interagent_port,
    // Docker mode: the container reaches the host through its bridge, not through loopback.
    host: main().docker.enabled ? '0.0.0.0' : '127.0.0.1',
    secret: () => secret,
    agents: agentNames,
    health: async () => {
      const status = await ctx.peer.request('status', {}, { timeoutMs: 5_000 });
      const out: Record<string, { status: string; uptime: number | null; restart_count: number; last_crash_error: string | null }> = {};
      for (const w of status.workers) {
        if (w.role !== 'agent' || !w.agent) continue;
        const state = w.state === 'ready' ? 'running' : w.state === 'crashed' ? 'crashed' : w.state === 'stopped' ? 'stopped' : 'starting';
        out[w.agent] = { status: state, uptime: w.uptimeMs === null ? null : w.uptimeMs / 1000, restart_count: w.restarts, last_crash_error: w.lastExit && w.state === 'crashed' ? `exit ${w.lastExit.code ?? w.lastExit.signal}` : null };
      }
      return out;
    },
    delegate: (to, params, timeoutMs) => ctx.peer.request('delegate', params, { target: agentTarget(to), timeoutMs }),
    task: {
      create: (agent, params) => ctx.peer.request('taskCreate', params, { target: agentTarget(agent), timeoutMs: TASK_CALL_TIMEOUT_MS }),
      call: (agent, method, params) => ctx.peer.request(method, params as never, { target: agentTarget(agent), timeoutMs: TASK_CALL_TIMEOUT_MS }),
      list: async () => (await registry.read()).tasks,
    },
    log: ctx.log.child({ part: 'internal-api' }),
  });
}
