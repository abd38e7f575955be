/**
 * Foundation figures: cold start, idle memory (PSS) of the process tree, memory of one
 * more agent worker, and JSON-RPC round trips direct and relayed through the supervisor.
 * Runs the compiled `ductor` as a real process on temporary homes.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { mkdtemp, mkdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { connectControl, type ControlConnection } from '../src/shared/control-client.js';
import type { SupervisorStatus } from '../src/shared/rpc/contract.js';
import { median, percentile, type Figure } from './figure.js';
import { pssMiB, ussMiB } from './proc-memory.js';
import { bareTreeStartMs, ratioNote } from './floors.js';

const DUCTOR = fileURLToPath(new URL('../bin/ductor.js', import.meta.url));
const TOKEN = '123456789:AAbenchTOKENbenchTOKENbenchTOKEN1234';
/** Round trips before the RPC figures are taken (see benchFoundation). */
const RPC_WARM_UP_MS = 5_000;

type Running = { child: ChildProcess; home: string; control: ControlConnection; readyMs: number };

async function makeHome(subAgents: number): Promise<string> {
  const home = await mkdtemp(join(tmpdir(), 'ductor-bench-'));
  await mkdir(join(home, 'config'), { recursive: true });
  await writeFile(join(home, 'config', 'config.json'), JSON.stringify({
    telegram_token: TOKEN, allowed_user_ids: [1], telegram_api_root: 'http://127.0.0.1:9', update_check: false,
  }));
  if (subAgents > 0) {
    const agents = Array.from({ length: subAgents }, (_, i) => ({
      name: `bench${i + 1}`, telegram_token: `12345678${i}:AAbenchSUBtokenSUBtokenSUBtoken${i}abcd`, allowed_user_ids: [1],
    }));
    await writeFile(join(home, 'agents.json'), JSON.stringify(agents));
  }
  return home;
}

/** Starts ductor and measures spawn → every worker ready (polling the control socket). */
async function start(home: string, expectedWorkers: number, env: NodeJS.ProcessEnv = {}): Promise<Running> {
  const t0 = performance.now();
  const child = spawn(process.execPath, [DUCTOR], { env: { ...process.env, DUCTOR_HOME: home, ...env }, stdio: 'ignore' });
  for (;;) {
    if (child.exitCode !== null) throw new Error(`ductor exited with ${child.exitCode} during the benchmark`);
    const control = await connectControl(home, 200);
    if (control) {
      for (;;) {
        const status = await control.peer.request('status', {});
        if (status.workers.length === expectedWorkers && status.workers.every((w) => w.state === 'ready')) {
          return { child, home, control, readyMs: performance.now() - t0 };
        }
        await sleep(2);
      }
    }
    await sleep(2);
  }
}

async function stop(run: Running): Promise<void> {
  run.control.close();
  run.child.kill('SIGTERM');
  await once(run.child, 'exit');
  await rm(run.home, { recursive: true, force: true });
}

/**
 * Median time from spawn to every worker ready, each run on a fresh home. `env` may turn the
 * compile cache off (DUCTOR_NO_CODE_CACHE) to show what the very first start after an install costs.
 */
async function coldStart(subAgents: number, runs: number, env: NodeJS.ProcessEnv = {}): Promise<number> {
  const times: number[] = [];
  for (let i = 0; i < runs; i += 1) times.push(await oneColdStart(subAgents, env));
  return median(times);
}

async function oneColdStart(subAgents: number, env: NodeJS.ProcessEnv = {}): Promise<number> {
  const home = await makeHome(subAgents);
  const run = await start(home, 3 + subAgents, env);
  await stop(run);
  return run.readyMs;
}

/**
 * Cold start of ductor (supervisor and 3 + subAgents workers) against its floor, a bare parent
 * forking as many bare node children over IPC: runs alternate between the two, so both meet the same load, and the medians
 * of each are compared.
 */
async function coldStartAgainstFloor(name: string, subAgents: number, runs: number, log: (line: string) => void): Promise<Figure> {
  const ductor: number[] = [];
  const floor: number[] = [];
  for (let i = 0; i < runs; i += 1) {
    floor.push(await bareTreeStartMs(3 + subAgents));
    ductor.push(await oneColdStart(subAgents));
  }
  const value = median(ductor);
  const base = median(floor);
  log(`  ${name}: ${ratioNote(value, base)} (bare parent + ${3 + subAgents} bare children over IPC; medians of ${runs} alternating runs)`);
  return { name, value, unit: 'ms', floor: base, must: 2, aim: 1.5, better: 'lower' };
}

async function probe(control: ControlConnection, via: string, target: string, count: number, payloadBytes: number): Promise<number[]> {
  const result = await control.peer.request('rpcProbe', { target: target as never, count, payloadBytes }, { target: via as never, timeoutMs: 120_000 });
  return result.latenciesUs;
}

/** Idle memory on a fresh instance (main agent plus one sub-agent), untouched by the RPC load above. */
async function idleMemory(log: (line: string) => void): Promise<Figure[]> {
  log('foundation: idle memory, sampled 25 s after ready…');
  const run = await start(await makeHome(1), 4);
  try {
    await sleep(25_000);
    const status: SupervisorStatus = await run.control.peer.request('status', {});
    const pidOf = (id: string) => status.workers.find((w) => w.id === id)?.pid ?? 0;
    const core = [status.pid, pidOf('transport'), pidOf('scheduler'), pidOf('agent:main')].map(pssMiB);
    // One more agent costs its private pages: the node binary's shared code is there already.
    const extra = ussMiB(pidOf('agent:bench1'));
    log(`  PSS MiB supervisor ${core[0]!.toFixed(1)}, transport ${core[1]!.toFixed(1)}, scheduler ${core[2]!.toFixed(1)}, agent:main ${core[3]!.toFixed(1)}, agent:bench1 ${pssMiB(pidOf('agent:bench1')).toFixed(1)} (USS ${extra.toFixed(1)})`);
    return [
      { name: 'idle_pss_total_mib', value: core.reduce((a, b) => a + b, 0), unit: 'MiB', must: 120, aim: 100, better: 'lower' },
      { name: 'extra_agent_uss_mib', value: extra, unit: 'MiB', must: 16, aim: 12, better: 'lower' },
    ];
  } finally {
    await stop(run);
  }
}

/** The cold start figures alone (`npm run bench -- --only cold_start`), also part of the foundation group. */
export async function benchColdStart(log: (line: string) => void): Promise<Figure[]> {
  const figures: Figure[] = [];
  // Every start after the first finds Node's compile cache, which the launcher turns on where Node
  // has one (Node 22+; src/launcher/launch.ts): one untimed start makes sure it exists for this build.
  log('foundation: first start of this build (writes the compile cache; not counted)…');
  await coldStart(0, 1);
  log(`  for reference, a start without the compile cache (as the very first one after an install): ${(await coldStart(0, 3, { DUCTOR_NO_CODE_CACHE: '1' })).toFixed(0)} ms`);
  log('foundation: cold start (1 agent, 7 runs, each beside a run of its floor)…');
  figures.push(await coldStartAgainstFloor('cold_start_ms', 0, 7, log));
  log('foundation: cold start (4 agents, 5 runs, each beside a run of its floor)…');
  figures.push(await coldStartAgainstFloor('cold_start_4_agents_ms', 3, 5, log));
  return figures;
}

export async function benchFoundation(log: (line: string) => void): Promise<Figure[]> {
  const figures = await benchColdStart(log);

  log('foundation: RPC round trips…');
  const home = await makeHome(1);
  const run = await start(home, 4);
  try {
    // For the first seconds after ready each process is still JIT-compiling its hot paths (one V8
    // helper thread per worker, five processes on two cores) and runs its one post-start GC: the
    // figures are taken after a warm-up by time, and the start-up phase is shown beside them.
    const warmUntil = performance.now() + RPC_WARM_UP_MS;
    await probe(run.control, 'transport', 'agent:main', 500, 512);
    const early = await probe(run.control, 'transport', 'agent:main', 5000, 512);
    log(`  relayed round trips in the first seconds after ready: p50 ${(percentile(early, 50) / 1000).toFixed(3)} ms, p99 ${(percentile(early, 99) / 1000).toFixed(3)} ms (not a figure)`);
    while (performance.now() < warmUntil) await probe(run.control, 'transport', 'agent:main', 500, 512);
    const relayed = await probe(run.control, 'transport', 'agent:main', 5000, 512);
    const direct = await probe(run.control, 'transport', 'supervisor', 5000, 512);
    const big = await probe(run.control, 'transport', 'agent:main', 1000, 64 * 1024);
    figures.push({ name: 'rpc_relayed_p99_ms', value: percentile(relayed, 99) / 1000, unit: 'ms', must: 3, aim: 1, better: 'lower' });
    figures.push({ name: 'rpc_direct_p99_ms', value: percentile(direct, 99) / 1000, unit: 'ms', must: 2, aim: 1, better: 'lower' });
    figures.push({ name: 'rpc_64k_p99_ms', value: percentile(big, 99) / 1000, unit: 'ms', must: 10, aim: 5, better: 'lower' });
    const throughputStart = performance.now();
    const n = 5000;
    await probe(run.control, 'transport', 'agent:main', n, 512);
    log(`  relayed requests/s (sequential): ${Math.round(n / ((performance.now() - throughputStart) / 1000))}`);
    log(`  relayed p50 ${(percentile(relayed, 50) / 1000).toFixed(3)} ms, direct p50 ${(percentile(direct, 50) / 1000).toFixed(3)} ms`);

  } finally {
    await stop(run);
  }
  figures.push(...(await idleMemory(log)));
  return figures;
}
