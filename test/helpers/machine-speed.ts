/**
 * How much slower this machine runs right now than the quiet 2-core VM the tests' deadlines were
 * written on. Deadlines that stay fixed fail on a loaded or slower machine although nothing is
 * wrong, so waitFor, the ductor helpers and the runner's per-file timeout multiply theirs by it.
 *
 * The suite runner (scripts/run-tests.mjs) measures once and hands the factor to every test file
 * as DUCTOR_TEST_SLOWDOWN; a file run on its own measures here. Run this file to print the factor.
 */
import { fileURLToPath } from 'node:url';

/**
 * The workload's median on the development VM with nothing else running; its medians there under
 * the load of eight concurrent sessions (load average ~30 on 2 cores) were 25-45 ms.
 */
const REFERENCE_MS = 8;
/** Past this the machine is too busy for any deadline to mean much; waiting longer would only hide hangs. */
const MAX_SLOWDOWN = 6;
const SAMPLES = 7;

/** A few milliseconds of the work tests wait on: JavaScript, allocation and JSON. */
function workloadMs(): number {
  const started = process.hrtime.bigint();
  let x = 0;
  for (let i = 0; i < 2_000_000; i++) x = (x * 31 + i) | 0;
  const sample = { a: [1, 2, 3], b: 'x'.repeat(100), x };
  for (let i = 0; i < 3_000; i++) JSON.parse(JSON.stringify(sample));
  return Number(process.hrtime.bigint() - started) / 1e6;
}

/** The median of a few runs against the reference, between 1 and MAX_SLOWDOWN, to one decimal. */
export function measureSlowdown(): number {
  workloadMs(); // the first run includes compiling it
  const runs = Array.from({ length: SAMPLES }, workloadMs).sort((a, b) => a - b);
  const factor = runs[Math.floor(SAMPLES / 2)]! / REFERENCE_MS;
  return Math.round(Math.min(MAX_SLOWDOWN, Math.max(1, factor)) * 10) / 10;
}

let measured: number | undefined;

export function slowdown(): number {
  const given = Number(process.env.DUCTOR_TEST_SLOWDOWN);
  if (Number.isFinite(given) && given >= 1) return given;
  measured ??= measureSlowdown();
  return measured;
}

/** A deadline written for the quiet reference machine, stretched to this one's speed now. */
export function scaled(ms: number): number {
  return Math.round(ms * slowdown());
}

if (process.argv[1] === fileURLToPath(import.meta.url)) process.stdout.write(`${measureSlowdown()}\n`);
