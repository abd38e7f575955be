/** Which workers the supervisor forks, and with what entry file and environment. */
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { agentTarget } from '../shared/rpc/targets.js';
import type { WorkerSpec } from './worker-handle.js';

/** Running from source (tsx) the entries are .ts; compiled they are .js beside this file's tree. */
const EXT = import.meta.url.endsWith('.ts') ? '.ts' : '.js';

/**
 * The production build bundles each worker beside the command (`dist/bin/<role>-worker.js`);
 * from tsc's output or the sources, the worker's own `main` file is used.
 */
function entry(role: string): string {
  // Bundled: beside the command, or one level up when this code sits in a shared chunk.
  for (const candidate of [`./${role}-worker.js`, `../${role}-worker.js`]) {
    const bundled = fileURLToPath(new URL(candidate, import.meta.url));
    if (existsSync(bundled)) return bundled;
  }
  return fileURLToPath(new URL(`../workers/${role}/main${EXT}`, import.meta.url));
}

/**
 * Flags for every worker. The supervisor's own flags (e.g. the tsx loader in development) are
 * inherited; `--max-semi-space-size` keeps the young generation small, since workers are mostly idle.
 */
function workerExecArgv(): string[] {
  return [...process.execArgv.filter((arg) => !arg.startsWith('--inspect')), '--max-semi-space-size=1', '--v8-pool-size=1', '--single-threaded-gc'];
}

export function workerSpecs(options: { home: string; agents: string[]; env: NodeJS.ProcessEnv; logLevel: string }): WorkerSpec[] {
  const env = { ...options.env, DUCTOR_HOME: options.home, DUCTOR_LOG_LEVEL: options.logLevel };
  const execArgv = workerExecArgv();
  return [
    { id: 'transport', role: 'transport', agent: null, entry: entry('transport'), execArgv, env },
    { id: 'scheduler', role: 'scheduler', agent: null, entry: entry('scheduler'), execArgv, env },
    ...options.agents.map((name): WorkerSpec => ({
      id: agentTarget(name), role: 'agent', agent: name, entry: entry('agent'), execArgv, env,
    })),
  ];
}
