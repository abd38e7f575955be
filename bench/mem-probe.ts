/**
 * Loaded into every ductor process of a soak with `NODE_OPTIONS=--import=<this file>` (bench only;
 * nothing in the product loads it). Every DUCTOR_BENCH_MEM_EVERY_MS (default 10 s) it appends one
 * line to `<DUCTOR_BENCH_MEM_DIR>/<pid>.jsonl`: the process's PSS (and its anonymous part) as it
 * stood, then a full garbage collection, then both again and V8's figures.
 *
 * Why both: between two collections a V8 heap holds garbage up to a limit V8 moves with its own
 * estimate of GC speed, so the plain PSS of a healthy process wanders by several MiB under steady
 * load; what survives a full collection is what the process keeps. A leak grows the second.
 * The timer never keeps a process alive.
 */
import { appendFileSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { getHeapSpaceStatistics, getHeapStatistics, setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { setTimeout as sleep } from 'node:timers/promises';

/** After the collections, the anonymous PSS is read this many more times, this far apart. */
const FLOOR_READS = 10;
const FLOOR_EVERY_MS = 100;

/**
 * PSS, and its anonymous part. PSS also counts a share of every file-backed page the process maps
 * (the node binary, shared libraries: ~45 MiB resident), divided among all processes on the
 * machine that map it, so it moves whenever any other node process starts or ends (the fake CLI
 * of every turn, whatever else runs there). `Pss_Anon` is only what this process allocated itself
 * (V8's heap, malloc, compiled code); a leak grows it.
 */
function pss(): { pss: number; anon: number } {
  const text = readFileSync('/proc/self/smaps_rollup', 'utf8');
  const field = (name: string) => {
    const match = new RegExp(`^${name}:\\s+(\\d+) kB`, 'm').exec(text);
    return match ? Number(match[1]) : Number.NaN;
  };
  return { pss: field('Pss'), anon: field('Pss_Anon') };
}

/** Workers run with --expose-gc; the supervisor does not, so the flag is set here for it. */
function fullGc(): () => void {
  const existing = (globalThis as { gc?: () => void }).gc;
  if (existing) return existing;
  setFlagsFromString('--expose-gc');
  return runInNewContext('gc') as () => void;
}

/** ductor's own processes; the fake CLIs inherit NODE_OPTIONS too and are left alone. */
const isDuctorProcess = /(?:ductor|launch)\.js$|workers\/\w+\/main\.[jt]s$/.test(process.argv[1] ?? '');
const dir = process.env.DUCTOR_BENCH_MEM_DIR;
if (dir && isDuctorProcess) {
  const file = join(dir, `${process.pid}.jsonl`);
  const every = Number(process.env.DUCTOR_BENCH_MEM_EVERY_MS ?? 10_000);
  // DUCTOR_BENCH_MEM_GC=0: sample only, so V8 keeps its own collection schedule.
  const gc = process.env.DUCTOR_BENCH_MEM_GC === '0' ? () => undefined : fullGc();
  appendFileSync(file, `${JSON.stringify({ argv: process.argv.slice(1, 3) })}\n`);
  const sampleOnce = async () => {
    const before = pss();
    // Two collections: the pages the first one empties are swept and released by V8's background
    // threads, so right after it the process still holds them for a while that depends on how busy
    // the machine is. The second collection finishes that sweeping first. In two soaks the
    // transport's committed heap stood 5.1-12.3 MiB (median 8.5) above its live heap after one
    // collection, 4.2-8.9 (median 4.8) after two.
    gc();
    gc();
    const after = pss();
    const spaces = Object.fromEntries(getHeapSpaceStatistics()
      .filter((sp) => sp.space_size > 0)
      .map((sp) => [sp.space_name.replace(/_space$/, ''), [Math.round(sp.space_size / 1024), Math.round(sp.space_used_size / 1024)]]));
    const m = process.memoryUsage();
    const h = getHeapStatistics();
    // Even then the release goes on in the background for a moment: read on for a second and keep
    // the lowest anonymous figure. What the process keeps is its floor; what it allocates anew in
    // that second (requests in flight) only adds on top, so a leak still raises it.
    let floor = after.anon;
    for (let i = 0; i < FLOOR_READS; i += 1) {
      await sleep(FLOOR_EVERY_MS, undefined, { ref: false });
      floor = Math.min(floor, pss().anon);
    }
    appendFileSync(file, `${JSON.stringify({
      at: Date.now(), pssBeforeGcKiB: before.pss, pssKiB: after.pss, anonBeforeGcKiB: before.anon, anonAfterGcKiB: after.anon, anonKiB: floor,
      rss: m.rss, heapTotal: m.heapTotal, heapUsed: m.heapUsed,
      external: m.external, arrayBuffers: m.arrayBuffers, malloced: h.malloced_memory, spacesKiB: spaces,
    })}\n`);
  };
  setInterval(() => void sampleOnce(), every).unref();
}
