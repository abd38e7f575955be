/**
 * Child process of bench/providers.ts: times one CLI's parser on a ~20 MB transcript and sends
 * `{ bytes, lines, ms }` to the parent. It runs with the agent worker's V8 flags, in a process
 * holding nothing else, because that is where parsers run in production; timed inside the bench
 * process the figure also paid for the other CLIs' transcripts and garbage (young-GC heuristics).
 */
import { median } from './figure.js';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { performance } from 'node:perf_hooks';
import { LineSplitter } from '../src/workers/agent/providers/jsonl-lines.js';
import { createParser } from '../src/workers/agent/providers/provider.js';
import type { ProviderName } from '../src/workers/agent/providers/events.js';

const TRANSCRIPT_BYTES = 20 * 1024 * 1024;
/** The pipe's read size: a CLI's stdout reaches the parser in chunks this large at most. */
const CHUNK_BYTES = 64 * 1024;
const TIMED_RUNS = 8;

export type ThroughputReport = { bytes: number; lines: number; ms: number };

function fixturesDir(): string {
  // Works from bench/ (tsx) and from dist/bench/ (compiled): walk up to the folder holding test/fixtures.
  let dir = dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 4; i++) {
    const candidate = join(dir, 'test', 'fixtures', 'cli');
    if (existsSync(candidate)) return candidate;
    dir = dirname(dir);
  }
  throw new Error('bench/parser-throughput: test/fixtures/cli not found above the bench folder');
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

/** Feeds the stream in pipe-sized chunks to a fresh splitter and parser, reads the result; returns ms. */
function parseStream(cli: ProviderName, bytes: Buffer): number {
  let events = 0;
  const parser = createParser({ provider: cli }, { emit: () => void events++ });
  // As run-cli.ts reads a CLI's stdout: split into lines, each parsed on its own.
  const splitter = new LineSplitter((line) => parser.parseLine(line));
  const start = performance.now();
  for (let i = 0; i < bytes.length; i += CHUNK_BYTES) splitter.push(bytes.subarray(i, i + CHUNK_BYTES));
  splitter.end();
  const result = parser.finish({ reason: 'exit', exitCode: 0, signal: null, stderrTail: '' });
  const elapsed = performance.now() - start;
  if (events === 0 || result.sessionId === null) throw new Error(`bench/parser-throughput: ${cli} parser found no events or session`);
  return elapsed;
}

function main(): void {
  const cli = process.argv[2] as ProviderName;
  const big = bigTranscript(fixtureLines(cli));
  parseStream(cli, big.bytes); // warm-up: JIT and buffer pools
  const runs: number[] = [];
  for (let i = 0; i < TIMED_RUNS; i++) runs.push(parseStream(cli, big.bytes));
  const report: ThroughputReport = { bytes: big.bytes.length, lines: big.lineCount, ms: median(runs) };
  process.send?.(report);
}

main();
