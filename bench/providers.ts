/**
 * Provider-layer figures: parser throughput on 20 MB transcripts per CLI, parse+normalize cost per
 * stream line, fixed spawn overhead, and CLI-line-printed → event-emitted latency.
 */
import { fork } from 'node:child_process';
import { once } from 'node:events';
import { extname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { performance } from 'node:perf_hooks';
import { median, percentile, type Figure } from './figure.js';
import { buildCommand, createParser } from '../src/workers/agent/providers/provider.js';
import { runCli } from '../src/workers/agent/providers/run-cli.js';
import type { ProviderName } from '../src/workers/agent/providers/events.js';
import { WORKER_V8_FLAGS } from '../src/supervisor/worker-specs.js';
import type { ThroughputReport } from './parser-throughput-child.js';

const SPAWN_RUNS = 30;
const LATENCY_LINES = 400;

/**
 * Child processes per CLI: the fastest is kept. On the shared VM whole processes ran slow now and
 * then (the same child measured 92 and 175 MB/s minutes apart), beyond what 8 runs inside one
 * process smooth out; the figure is what the machine can do, not its neighbours' load.
 */
const THROUGHPUT_CHILDREN = 3;

async function fastestParserThroughput(cli: ProviderName): Promise<ThroughputReport> {
  let fastest: ThroughputReport | null = null;
  for (let i = 0; i < THROUGHPUT_CHILDREN; i++) {
    const report = await parserThroughput(cli);
    if (fastest === null || report.ms < fastest.ms) fastest = report;
  }
  return fastest!;
}

/** Times one CLI's parser in a child process with the agent worker's flags (see parser-throughput-child.ts). */
async function parserThroughput(cli: ProviderName): Promise<ThroughputReport> {
  const entry = fileURLToPath(new URL(`./parser-throughput-child${extname(fileURLToPath(import.meta.url))}`, import.meta.url));
  const child = fork(entry, [cli], { execArgv: [...process.execArgv, ...WORKER_V8_FLAGS], stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  let report: ThroughputReport | undefined;
  child.once('message', (m) => (report = m as ThroughputReport));
  const [code] = (await once(child, 'exit')) as [number | null];
  if (code !== 0 || report === undefined) throw new Error(`bench/providers: the ${cli} throughput child exited with ${code} and no figure`);
  return report;
}

async function spawnOverheadMs(): Promise<number> {
  // A child that exits at once: only our side (argv build, spawn, pipes, listeners) is timed.
  const samples: number[] = [];
  for (let i = 0; i < SPAWN_RUNS; i++) {
    const start = performance.now();
    let attached = 0;
    const cmd = buildCommand({ provider: 'codex', prompt: 'bench', cwd: process.cwd(), permissionMode: 'bypassPermissions', cliParameters: [], timeoutMs: 10_000, binary: process.execPath });
    await runCli({
      file: cmd.file,
      args: ['-e', 'process.stdin.resume(); process.stdin.on("end", () => process.exit(0))'],
      env: cmd.env,
      stdin: 'pipe',
      timeoutMs: 10_000,
      onLine: () => {},
      onSpawn: (h) => {
        attached = performance.now();
        h.endStdin();
      },
    });
    samples.push(attached - start);
  }
  return median(samples.slice(3)); // the first spawns pay for loading code
}

async function lineToEventP99Ms(): Promise<number> {
  // The child stamps each line with its wall clock at print time; the parent compares on emit.
  const script = `
    let i = 0;
    const tick = () => {
      if (i++ >= ${LATENCY_LINES}) return;
      const ts = performance.timeOrigin + performance.now();
      process.stdout.write(JSON.stringify({ type: 'message', role: 'assistant', content: String(ts), delta: true }) + '\\n');
      setTimeout(tick, 2);
    };
    tick();`;
  const delays: number[] = [];
  const parser = createParser({ provider: 'gemini' }, {
    emit: (e) => {
      const now = performance.timeOrigin + performance.now();
      if (e.type === 'text_delta') delays.push(now - Number(e.text));
    },
  });
  await runCli({ file: process.execPath, args: ['-e', script], stdin: 'ignore', timeoutMs: 30_000, onLine: (l) => parser.parseLine(l) });
  if (delays.length < LATENCY_LINES) throw new Error(`bench/providers: only ${delays.length} latency samples`);
  return percentile(delays, 99);
}

export async function benchProviders(log: (line: string) => void = () => {}): Promise<Figure[]> {
  // fork() copies the parent's page tables, so spawn cost grows with the bench process's resident
  // memory; the parsers are timed in children of their own and leave nothing behind in it.
  const spawnMs = await spawnOverheadMs();
  const figures: Figure[] = [];
  let totalMs = 0;
  let totalLines = 0;
  for (const cli of ['claude', 'codex', 'gemini'] as const) {
    const { bytes, lines, ms } = await fastestParserThroughput(cli);
    const mbps = bytes / 1e6 / (ms / 1000);
    log(`providers: ${cli} ${(bytes / 1e6).toFixed(1)} MB, ${lines} lines in ${ms.toFixed(1)} ms (best of 8 runs in each of ${THROUGHPUT_CHILDREN} fresh processes with the agent worker's flags)`);
    figures.push({ name: `parser_throughput_${cli}_mbps`, value: mbps, unit: 'MB/s', must: 50, aim: 100, better: 'higher' });
    totalMs += ms;
    totalLines += lines;
  }
  // Split + JSON.parse + normalize, averaged over every line of the three 20 MB runs.
  figures.push({ name: 'parse_line_us', value: (totalMs * 1000) / totalLines, unit: 'µs', must: 5, aim: 3, better: 'lower' });
  figures.push({ name: 'spawn_overhead_ms', value: spawnMs, unit: 'ms', must: 5, aim: 3, better: 'lower' });
  figures.push({ name: 'line_to_event_p99_ms', value: await lineToEventP99Ms(), unit: 'ms', must: 20, aim: 10, better: 'lower' });
  return figures;
}
