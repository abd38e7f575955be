/**
 * Floors: the same kind of work done by the simplest program that can do it, timed in the same run
 * as the figure it is the floor of. The machine's speed and load move both alike, so the ratio of a
 * figure to its floor says what ductor adds, on any machine; the absolute figure is printed beside it.
 *
 * - A bare tree: a parent node process that forks 3 bare node children over IPC and is done when
 *   each has said it is ready (the floor of ductor's cold start: supervisor plus 3 workers).
 * - A bare spawn: `child_process.spawn` of a fake CLI until its `spawn` event, timed in a small
 *   child process of its own (a fork costs more the larger the parent's memory, and the bench
 *   process is larger than an agent worker).
 */
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { join } from 'node:path';
import { median } from './figure.js';

const BARE_TREE = `
const { spawn } = require('node:child_process');
const children = Number(process.argv[1]);
let ready = 0;
for (let i = 0; i < children; i++) {
  const child = spawn(process.execPath, ['-e', 'process.send("ready", () => process.disconnect())'], { stdio: ['ignore', 'ignore', 'inherit', 'ipc'] });
  child.once('message', () => { if (++ready === children) process.stdout.write('ready\\n'); });
}`;

/** Milliseconds from spawning the bare parent to its line saying all its children are ready. */
export async function bareTreeStartMs(children: number): Promise<number> {
  const t0 = performance.now();
  const parent = spawn(process.execPath, ['-e', BARE_TREE, String(children)], { stdio: ['ignore', 'pipe', 'inherit'] });
  let readyAt = Number.NaN;
  parent.stdout.on('data', () => {
    if (Number.isNaN(readyAt)) readyAt = performance.now() - t0;
  });
  const [code] = (await once(parent, 'exit')) as [number | null];
  if (code !== 0 || Number.isNaN(readyAt)) throw new Error(`bench/floors: the bare tree exited with ${code} before its children were ready`);
  return readyAt;
}

const BARE_SPAWN = `
const { spawn } = require('node:child_process');
const [file, runs] = [process.argv[1], Number(process.argv[2])];
const samples = [];
(async () => {
  for (let i = 0; i < runs; i++) {
    const t0 = performance.now();
    const child = spawn(file, [], { stdio: ['pipe', 'pipe', 'pipe'] });
    await new Promise((resolve, reject) => { child.once('spawn', resolve); child.once('error', reject); });
    samples.push(performance.now() - t0);
    child.stdin.end();
    child.stdout.resume();
    child.stderr.resume();
    await new Promise((resolve) => child.once('close', resolve));
  }
  process.stdout.write(JSON.stringify(samples));
})();`;

/**
 * Times of `runs` bare spawns of `file` (its `spawn` event), each run to its exit before the next,
 * in a fresh node process with `env`.
 */
export async function bareSpawnMs(file: string, runs: number, env: NodeJS.ProcessEnv = process.env): Promise<number[]> {
  const child = spawn(process.execPath, ['-e', BARE_SPAWN, file, String(runs)], { stdio: ['ignore', 'pipe', 'inherit'], env });
  let out = '';
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => (out += chunk));
  const [code] = (await once(child, 'exit')) as [number | null];
  if (code !== 0) throw new Error(`bench/floors: the bare spawn child exited with ${code}`);
  return JSON.parse(out) as number[];
}

/** Median of a bare spawn of the fake CLI `cli` from test/fake-cli, after `warmUp` untimed runs. */
export async function bareSpawnFloorMs(fakeCliDir: string, cli: string, runs: number, warmUp = 3): Promise<number> {
  const samples = await bareSpawnMs(join(fakeCliDir, cli), runs + warmUp);
  return median(samples.slice(warmUp));
}

/** "12.3 ms (1.42× the floor of 8.7 ms)": the ratio beside the absolute figure. */
export function ratioNote(value: number, floor: number, unit = 'ms'): string {
  return `${value.toFixed(1)} ${unit} = ${(value / floor).toFixed(2)}× the floor of ${floor.toFixed(1)} ${unit}`;
}
