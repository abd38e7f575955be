/**
 * Soak: a steady conversation against the project's fake Bot API and the fake claude, long enough to
 * see memory that only grows. A few chats each send a message, wait for the streamed answer, and
 * send the next; every process's PSS is sampled every few seconds.
 *
 * The figure `soak_growth_mib_per_worker` is the worst process's growth rate over the whole soak,
 * in MiB per 10 minutes: the least-squares slope of its anonymous PSS after full garbage
 * collections (bench/mem-probe.ts samples it inside every process every 10 s: two collections, then
 * the lowest of ten readings over the next second, as V8 releases emptied pages in the background;
 * in one soak the transport's reading right after the collections spread twice as wide as the one
 * before them). Why these choices:
 * - Anonymous PSS, not PSS: PSS also holds a share of every file-backed page a process maps (the
 *   node binary and its libraries, ~45 MiB resident), divided among every process on the machine
 *   that maps them; each turn's fake CLI is a node process, and so is most of what else runs on a
 *   development machine, so a process's PSS moved by a MiB or two with nothing it kept. The
 *   anonymous part is what the process allocated itself (V8's heap, malloc, compiled code).
 * - A slope over every sample, not the difference of the first and last minute: V8 keeps a
 *   varying number of pages committed after a collection (the transport's heapTotal moved between
 *   16 and 21 MiB with a flat live heap), and a window of six samples takes such a swing whole,
 *   so the same code measured 1.64 and 3.80 MiB in two runs. Every sample has a say in the slope,
 *   and a swing in one place moves it by its share of the run only.
 * Beside it, per process: the window difference of the anonymous PSS and of the whole PSS (the
 * figure before), the slope of the whole PSS and of the live JS heap, and the plain PSS just
 * before each collection, garbage included.
 *
 * With `snapshotDir`, every process runs with `--heapsnapshot-signal=SIGUSR2` and gets the signal
 * once after the warm-up and once at the end; `bench/heap-diff.ts` compares the two files of a
 * process (writing a snapshot runs a full collection, so it only holds what is still reachable).
 * Writing one leaves tens of MiB of memory the allocator keeps, so such a run measures no figure.
 */
import { mkdtemp, readdir, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { FAKE_TOKEN, startFakeTelegram } from '../test/helpers/fake-telegram.js';
import { startBenchDuctor } from './ductor-process.js';
import { median, slope, type Figure } from './figure.js';
import { pssMiB } from './proc-memory.js';
import { writeClaudeTranscript } from './claude-transcript.js';

export type SoakOptions = {
  /** Measured soak after the warm-up. */
  minutes: number;
  warmUpMinutes: number;
  /**
   * The warm-up also lasts until this many turns were answered (default 300): on a slow or busy
   * machine two minutes hold fewer turns, and a process still compiling its hot paths and filling
   * its bounded logs would count as growth.
   */
  warmUpTurns?: number;
  chats: number;
  /** Write heap snapshots of every process here (after the warm-up and at the end). */
  snapshotDir?: string;
  /**
   * False: the probe only samples and never collects, so the figure is the plain PSS under V8's
   * own collection schedule (to see what a heap setting does). Default true.
   */
  forceGc?: boolean;
  /** Where each process's memory samples go (bench/mem-probe.ts); a temporary folder by default. */
  probeDir?: string;
  /** Length of the windows whose medians are compared. */
  windowMs?: number;
  sampleEveryMs?: number;
};

const CHUNKS = 8;

/** A transcript that streams CHUNKS assistant messages, each a paragraph, as a long answer does. */
function streamingTranscript(dir: string): Promise<string> {
  const parts = Array.from({ length: CHUNKS }, (_, i) => `Part ${i + 1}: ${'streamed words '.repeat(10)}\n\n`);
  return writeClaudeTranscript(join(dir, 'soak.jsonl'), { sessionId: 'c0c0c0c0-0000-4000-8000-000000000001', parts });
}

/**
 * The bounded logs of an install that has run for a while: the transport's delivery log holds its
 * last 2,000 delivery ids and the agent's inbox its last 500 finished message ids. Left empty,
 * they fill up during the soak (the warm-up holds only 300 turns) and their entries, and the
 * old-space pages they keep half-used, count as growth that stops once they are full. Seeded
 * full, the soak sees the steady state: each new entry pushes the oldest out. A file a later
 * version cannot read is set aside by its loader, and the soak then only starts from empty logs.
 */
function fullBoundedLogs(): Record<string, string> {
  const ids = (n: number, suffix: string) => Array.from({ length: n }, (_, i) => `tg:earlier-${i}${suffix}`);
  return {
    'run/deliveries.json': JSON.stringify({ sent: ids(2_000, ':final').map((id, i) => ({ agent: 'main', id, messageIds: [1_000_000 + i] })) }),
    'inbox.json': JSON.stringify({ entries: [], doneIds: ids(500, '') }),
  };
}

type Sample = { at: number; pss: Record<string, number> };

export type SoakResult = {
  figures: Figure[];
  turns: number;
  /** Growth per process. */
  growth: Record<string, Growth>;
};

export async function runSoak(options: SoakOptions, log: (line: string) => void): Promise<SoakResult> {
  const windowMs = options.windowMs ?? 60_000;
  const sampleEveryMs = options.sampleEveryMs ?? 5_000;
  const tg = await startFakeTelegram();
  const dir = await mkdtemp(join(tmpdir(), 'ductor-bench-soak-'));
  const transcript = await streamingTranscript(dir);
  const users = Array.from({ length: options.chats }, (_, i) => 7001 + i);
  const probeDir = options.probeDir ?? (await mkdtemp(join(tmpdir(), 'ductor-bench-probe-')));
  const nodeOptions = [
    ...(options.snapshotDir ? [`--heapsnapshot-signal=SIGUSR2`, `--diagnostic-dir=${options.snapshotDir}`] : []),
    `--import=${new URL('./mem-probe.js', import.meta.url).href}`,
  ].join(' ');
  const ductor = await startBenchDuctor({
    config: { telegram_token: FAKE_TOKEN, telegram_api_root: tg.url, allowed_user_ids: users, update_check: false, model: 'opus' },
    env: { FAKE_CLI_TRANSCRIPT: transcript, FAKE_CLI_DELAY_MS: '40', NODE_OPTIONS: nodeOptions, DUCTOR_BENCH_MEM_DIR: probeDir, DUCTOR_BENCH_MEM_GC: options.forceGc === false ? '0' : '1' },
    workers: 3,
    files: fullBoundedLogs(),
  });
  let turns = 0;
  let stopped = false;
  const samples: Sample[] = [];
  try {
    const status = await ductor.status();
    const pids: Record<string, number> = { supervisor: status.pid };
    for (const w of status.workers) pids[w.id] = w.pid ?? 0;
    const snapshot = async (label: string) => {
      if (!options.snapshotDir) return;
      for (const [id, pid] of Object.entries(pids)) {
        const before = new Set(await readdir(options.snapshotDir));
        process.kill(pid, 'SIGUSR2');
        // Wait for this process's file to be complete before the next one writes (two cores).
        for (let i = 0; i < 600; i += 1) {
          await sleep(100);
          const added = (await readdir(options.snapshotDir)).filter((f) => !before.has(f) && f.includes(`.${pid}.`));
          if (added.length > 0) {
            const size = async () => (await stat(join(options.snapshotDir!, added[0]!))).size;
            let last = -1;
            for (;;) {
              const now = await size();
              if (now === last && now > 0) break;
              last = now;
              await sleep(300);
            }
            log(`  snapshot ${label} ${id}: ${added[0]}`);
            break;
          }
        }
      }
    };
    // Each chat: send, wait for the whole answer, pause a little, send again.
    const chatLoop = async (user: number) => {
      let sent = 0;
      while (!stopped) {
        sent += 1;
        tg.pushMessage({ chatId: user, userId: user, text: `question ${sent}` });
        const answered = () => tg.visible(user).filter((m) => m.visibleText.includes(`Part ${CHUNKS}`)).length >= sent;
        const deadline = Date.now() + 120_000;
        while (!answered()) {
          if (Date.now() > deadline) throw new Error(`soak: chat ${user} got no answer to message ${sent} within 120 s`);
          await sleep(50);
        }
        turns += 1;
        await sleep(500);
      }
    };
    const loops = users.map((u) => chatLoop(u));
    const sampleOnce = () => {
      const pss: Record<string, number> = {};
      for (const [id, pid] of Object.entries(pids)) pss[id] = pssMiB(pid);
      samples.push({ at: Date.now(), pss });
    };
    const warmUpStart = Date.now();
    const warmUpEnd = warmUpStart + options.warmUpMinutes * 60_000;
    const warmUpTurns = options.warmUpTurns ?? 300;
    while (Date.now() < warmUpEnd || turns < warmUpTurns) await Promise.race([sleep(1_000), ...loops]);
    log(`  warm-up done after ${turns} turns, ${((Date.now() - warmUpStart) / 60_000).toFixed(1)} min`);
    await snapshot('start');
    const soakStart = Date.now();
    const soakEnd = soakStart + options.minutes * 60_000;
    let lastLog = soakStart;
    while (Date.now() < soakEnd) {
      sampleOnce();
      if (Date.now() - lastLog >= 60_000) {
        lastLog = Date.now();
        const last = samples[samples.length - 1]!;
        log(`  ${((Date.now() - soakStart) / 60_000).toFixed(1)} min, ${turns} turns: ${Object.entries(last.pss).map(([id, v]) => `${id} ${v.toFixed(1)}`).join(', ')} MiB`);
      }
      await Promise.race([sleep(sampleEveryMs), ...loops]);
    }
    stopped = true;
    await Promise.all(loops);
    await snapshot('end');
    const growth: Record<string, Growth> = {};
    for (const [id, pid] of Object.entries(pids)) growth[id] = growthOf(await probeRows(probeDir, pid), { from: soakStart, to: soakEnd, windowMs });
    const worst = Math.max(...Object.values(growth).map((g) => g.anonSlope));
    log(`  soak ${options.minutes} min after the warm-up, ${options.chats} chats, ${turns} turns in all`);
    if (options.snapshotDir) log('  (heap snapshots were written: each leaves tens of MiB the allocator keeps, so this run\'s memory figures are not comparable)');
    const list = (key: keyof Growth) => Object.entries(growth).map(([id, g]) => `${id} ${g[key].toFixed(2)}`).join(', ');
    if (options.forceGc === false) {
      log(`  no forced collections: anonymous PSS slope, MiB per 10 min: ${list('anonSlope')}`);
      log(`  plain PSS, last minus first window, MiB: ${list('pssWindows')}`);
    } else {
      log(`  after a full GC, anonymous PSS slope, MiB per 10 min (the figure): ${list('anonSlope')}`);
      log(`  after a full GC, anonymous PSS, last minus first window, MiB: ${list('anonWindows')}`);
      log(`  after a full GC, PSS slope, MiB per 10 min: ${list('pssSlope')}`);
      log(`  after a full GC, PSS, last minus first window, MiB: ${list('pssWindows')}`);
      log(`  after a full GC, live JS heap slope, MiB per 10 min: ${list('heapSlope')}`);
      log(`  just before each forced GC (garbage included), PSS, last minus first window, MiB: ${list('plainWindows')}`);
    }
    return {
      turns,
      growth,
      figures: options.snapshotDir ? [] : [{ name: 'soak_growth_mib_per_worker', value: worst, unit: 'MiB', must: 2, aim: 0.5, better: 'lower' }],
    };
  } finally {
    stopped = true;
    await ductor.stop();
    await tg.close();
    await rm(dir, { recursive: true, force: true });
    if (!options.probeDir) await rm(probeDir, { recursive: true, force: true });
  }
}

type ProbeRow = { at: number; pssKiB: number; pssBeforeGcKiB: number; anonKiB: number; anonBeforeGcKiB: number; heapUsed: number };

/** One process's growth over the soak by each measure, MiB (slopes: MiB per 10 minutes). */
export type Growth = {
  anonSlope: number;
  anonWindows: number;
  pssSlope: number;
  pssWindows: number;
  heapSlope: number;
  /** PSS just before the forced collection, or the only PSS sampled with forceGc false. */
  plainWindows: number;
};

const TEN_MINUTES = 10 * 60_000;

export function growthOf(rows: readonly ProbeRow[], span: { from: number; to: number; windowMs: number }): Growth {
  const soak = rows.filter((r) => r.at >= span.from && r.at <= span.to);
  const windows = (value: (r: ProbeRow) => number) => {
    const first = soak.filter((r) => r.at < span.from + span.windowMs).map(value);
    const last = soak.filter((r) => r.at > span.to - span.windowMs).map(value);
    if (first.length === 0 || last.length === 0) throw new Error('soak: a process has no memory samples in the first or last window');
    return median(last) - median(first);
  };
  const rate = (value: (r: ProbeRow) => number) => slope(soak.map((r) => ({ x: (r.at - span.from) / TEN_MINUTES, y: value(r) })));
  const mib = (kib: number) => kib / 1024;
  return {
    anonSlope: rate((r) => mib(r.anonKiB)),
    anonWindows: windows((r) => mib(r.anonKiB)),
    pssSlope: rate((r) => mib(r.pssKiB)),
    pssWindows: windows((r) => mib(r.pssKiB)),
    heapSlope: rate((r) => r.heapUsed / 2 ** 20),
    plainWindows: windows((r) => mib(r.pssBeforeGcKiB)),
  };
}

async function probeRows(probeDir: string, pid: number): Promise<ProbeRow[]> {
  const text = await readFile(join(probeDir, `${pid}.jsonl`), 'utf8');
  return text.split('\n').filter((l) => l.includes('"at"')).map((l) => JSON.parse(l) as ProbeRow);
}
