/**
 * Provider-layer figures: parser throughput on 20 MB transcripts per CLI, parse+normalize cost per
 * stream line, fixed spawn overhead, and CLI-line-printed → event-emitted latency.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { performance } from 'node:perf_hooks';
import { median, percentile, type Figure } from './figure.js';
import { LineSplitter } from '../src/workers/agent/providers/jsonl-lines.js';
import { buildCommand, createParser } from '../src/workers/agent/providers/provider.js';
import { runCli } from '../src/workers/agent/providers/run-cli.js';
import type { ProviderName } from '../src/workers/agent/providers/events.js';

const TRANSCRIPT_BYTES = 20 * 1024 * 1024;
const CHUNK_BYTES = 64 * 1024;
const SPAWN_RUNS = 30;
const LATENCY_LINES = 400;

function fixturesDir(): string {
  // Works from bench/ (tsx) and from dist/bench/ (compiled): walk up to the folder holding test/fixtures.
  let dir = dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 4; i++) {
    const candidate = join(dir, 'test', 'fixtures', 'cli');
    if (existsSync(candidate)) return candidate;
    dir = dirname(dir);
  }
  throw new Error('bench/providers: test/fixtures/cli not found above the bench folder');
}

function fixtureLines(cli: ProviderName): string[] {
  const dir = join(fixturesDir(), cli);
  return readdirSync(dir)
    .filter((f) => f.endsWith('.jsonl'))
    .flatMap((f) => readFileSync(join(dir, f), 'utf8').split('\n'))
    .filter((l) => l.trim() !== '');
}

/** Fixture lines repeated in memory up to ~20 MB, as one byte stream. */
function bigTranscript(lines: string[]): { bytes: Buffer; lineCount: number } {
  const one = Buffer.from(`${lines.join('\n')}\n`);
  const copies = Math.max(1, Math.ceil(TRANSCRIPT_BYTES / one.length));
  return { bytes: Buffer.concat(Array.from({ length: copies }, () => one)), lineCount: copies * lines.length };
}

/** Splits the stream in 64 KiB chunks and parses every line with a fresh parser; returns ms. */
function parseStream(cli: ProviderName, bytes: Buffer): number {
  let events = 0;
  const parser = createParser({ provider: cli }, { emit: () => void events++ });
  const splitter = new LineSplitter((line) => parser.parseLine(line));
  const start = performance.now();
  for (let i = 0; i < bytes.length; i += CHUNK_BYTES) splitter.push(bytes.subarray(i, i + CHUNK_BYTES));
  splitter.end();
  const elapsed = performance.now() - start;
  if (events === 0) throw new Error(`bench/providers: ${cli} parser emitted nothing`);
  return elapsed;
}

function best(runs: number, fn: () => number): number {
  fn(); // warm-up: JIT and buffer pools
  let min = Infinity;
  for (let i = 0; i < runs; i++) min = Math.min(min, fn());
  return min;
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
  // Spawn first: fork() copies the parent's page tables, so its cost grows with resident memory, and
  // the throughput runs below leave ~60 MB of transcripts plus parse garbage that no agent worker
  // holds (after them, RSS 55 -> ~140 MB and a bare spawn of the same child took ~3 ms instead of
  // ~1.3 ms on the dev VM). The figure still times the same path; figures keep their order.
  const spawnMs = await spawnOverheadMs();
  const figures: Figure[] = [];
  let totalMs = 0;
  let totalLines = 0;
  for (const cli of ['claude', 'codex', 'gemini'] as const) {
    const lines = fixtureLines(cli);
    const big = bigTranscript(lines);
    const ms = best(3, () => parseStream(cli, big.bytes));
    const mbps = big.bytes.length / 1e6 / (ms / 1000);
    log(`providers: ${cli} ${(big.bytes.length / 1e6).toFixed(1)} MB, ${big.lineCount} lines in ${ms.toFixed(1)} ms`);
    figures.push({ name: `parser_throughput_${cli}_mbps`, value: mbps, unit: 'MB/s', must: 200, aim: 300, better: 'higher' });
    totalMs += ms;
    totalLines += big.lineCount;
  }
  // Split + JSON.parse + normalize, averaged over every line of the three 20 MB runs.
  figures.push({ name: 'parse_line_us', value: (totalMs * 1000) / totalLines, unit: 'µs', must: 5, aim: 3, better: 'lower' });
  figures.push({ name: 'spawn_overhead_ms', value: spawnMs, unit: 'ms', must: 5, aim: 3, better: 'lower' });
  figures.push({ name: 'line_to_event_p99_ms', value: await lineToEventP99Ms(), unit: 'ms', must: 20, aim: 10, better: 'lower' });
  return figures;
}
