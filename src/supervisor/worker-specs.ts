/**
 * Which workers the supervisor forks, and with what entry file and environment. Light on purpose
 * (no schemas, no logger): the supervisor forks standby workers from it first thing (prefork.ts).
 */
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { agentTarget } from '../shared/rpc/target-names.js';
import type { WorkerSpec } from './worker-handle.js';

/** Running from source (tsx) the entries are .ts; compiled they are .js beside this file's tree. */
const EXT = import.meta.url.endsWith('.ts') ? '.ts' : '.js';

/**
 * What to fork for a role. The production build forks the worker launcher beside the command
 * (`dist/bin/launch.js <role>-worker`, which runs that bundle); from tsc's
 * output or the sources, the worker's own `main` file.
 */
function entry(role: string): { entry: string; args: string[] } {
  const launcher = fileURLToPath(new URL('./launch.js', import.meta.url));
  if (existsSync(launcher)) return { entry: launcher, args: [`${role}-worker`] };
  return { entry: fileURLToPath(new URL(`../workers/${role}/main${EXT}`, import.meta.url)), args: [] };
}

/**
 * V8 flags of every worker, chosen for many mostly idle processes: `--max-semi-space-size=1` keeps
 * the young generation small (an idle agent worker's private memory was 10.0-11.9 MB with it and
 * 12.6 MB without, 4 and 2 runs, 10 s after ready) and costs the start nothing measurable: 3-4
 * scavenges while a worker bundle loads instead of 2, load CPU medians of 5 runs 101/147/118 ms
 * (agent/transport/scheduler) with it and 103/147/118 ms without; `--no-sparkplug` skips V8's baseline compiler, whose machine code
 * stayed in each idle worker (~0.35 MiB of an agent's private memory; hot code still gets
 * TurboFan); `--expose-gc` lets a worker run one full collection after start-up
 * (shared/worker/runtime.ts, ~0.2 MiB per idle agent); `--heap-growing-percent=30` lets the old generation grow to 1.3 times
 * what survived the last full collection before the next one, where V8's own factor (up to 4 on
 * a machine with much memory) let a busy transport hold three times its live heap in garbage: in
 * a steady conversation (`npm run bench:soak -- --no-gc`) the transport's PSS grew by 24.8 MiB in
 * 10 minutes without the flag and by 3.0 MiB in 6 minutes with it, at a few more full collections
 * of a heap of ~15 MiB; `--liftoff-only` compiles WebAssembly with V8's baseline compiler only:
 * Node's fetch parses HTTP with a WebAssembly module (undici's llhttp), and optimizing it at the
 * first response took ~27 MiB of compiler memory for a second or more (the transport's PSS went
 * from ~16 to 43 MiB right after its first Bot API calls, bench/conversation.ts prints that
 * start-up peak; a bare fetch: 29.8 MiB of V8 malloc with the optimizing tier, 0.5 MiB without),
 * while a fetch of a Telegram-sized answer took no longer (6.0–6.6 ms against 7.4–8.2 on loopback,
 * 1,500 fetches each). Exported for the benchmarks that time worker code in a process of the same
 * kind. `--v8-pool-size=1` and `--single-threaded-gc` were dropped: without them the idle agent
 * measured 9.1 and 12.0 MB, within the run-to-run spread.
 */
export const WORKER_V8_FLAGS: readonly string[] = ['--max-semi-space-size=1', '--no-sparkplug', '--expose-gc', '--heap-growing-percent=30', '--liftoff-only'];

/** The supervisor's own flags (e.g. the tsx loader in development) are inherited. */
function workerExecArgv(): string[] {
  return [...process.execArgv.filter((arg) => !arg.startsWith('--inspect')), ...WORKER_V8_FLAGS];
}

export function workerSpecs(options: { home: string; agents: string[]; env: NodeJS.ProcessEnv; logLevel: string }): WorkerSpec[] {
  const env = { ...options.env, DUCTOR_HOME: options.home, DUCTOR_LOG_LEVEL: options.logLevel };
  const execArgv = workerExecArgv();
  return [
    { id: 'transport', role: 'transport', agent: null, ...entry('transport'), execArgv, env },
    { id: 'scheduler', role: 'scheduler', agent: null, ...entry('scheduler'), execArgv, env },
    ...options.agents.map((name): WorkerSpec => ({
      id: agentTarget(name), role: 'agent', agent: name, ...entry('agent'), execArgv, env,
    })),
  ];
}
