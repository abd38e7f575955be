/**
 * Soak: a steady conversation against the project's fake Bot API and the fake claude, long enough to
 * see memory that only grows. A few chats each send a message, wait for the streamed answer, and
 * send the next; every process's PSS is sampled every few seconds.
 *
 * The figure `soak_growth_mib_per_worker` is the worst process's growth between the first and the
 * last minute after a warm-up, of the PSS each process has right after a full garbage collection
 * (bench/mem-probe.ts samples it inside every process every 10 s): the memory a process keeps.
 * The plain PSS, garbage included, is printed beside it; it wanders by several MiB with V8's
 * collection schedule. Each window's median is compared, so no single sample decides.
 *
 * With `snapshotDir`, every process runs with `--heapsnapshot-signal=SIGUSR2` and gets the signal
 * once after the warm-up and once at the end; `bench/heap-diff.ts` compares the two files of a
 * process (writing a snapshot runs a full collection, so it only holds what is still reachable).
 */
import { mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { FAKE_TOKEN, startFakeTelegram } from '../test/helpers/fake-telegram.js';
import { startBenchDuctor } from './ductor-process.js';
import { median, type Figure } from './figure.js';
import { pssMiB } from './proc-memory.js';

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
async function streamingTranscript(dir: string): Promise<string> {
  const sid = 'c0c0c0c0-0000-4000-8000-000000000001';
  const usage = { input_tokens: 5, output_tokens: 5 };
  const lines: object[] = [{ type: 'system', subtype: 'init', session_id: sid, tools: [], model: 'claude-sonnet-4-5' }];
  let all = '';
  for (let i = 0; i < CHUNKS; i += 1) {
    const text = `Part ${i + 1}: ${'streamed words '.repeat(10)}\n\n`;
    all += text;
    lines.push({ type: 'assistant', message: { id: `m${i}`, type: 'message', role: 'assistant', content: [{ type: 'text', text }], usage }, session_id: sid });
  }
  lines.push({ type: 'result', subtype: 'success', is_error: false, duration_ms: 1, num_turns: 1, result: all.trim(), session_id: sid, total_cost_usd: 0, usage });
  const file = join(dir, 'soak.jsonl');
  await writeFile(file, `${lines.map((l) => JSON.stringify(l)).join('\n')}\n`);
  return file;
}

type Sample = { at: number; pss: Record<string, number> };

export type SoakResult = {
  figures: Figure[];
  turns: number;
  /** Growth per process, MiB. */
  growth: Record<string, number>;
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
    const windows = (rows: ProbeRow[], key: 'pssKiB' | 'pssBeforeGcKiB') => {
      const first = rows.filter((r) => r.at >= soakStart && r.at < soakStart + windowMs).map((r) => r[key]);
      const last = rows.filter((r) => r.at > soakEnd - windowMs && r.at <= soakEnd).map((r) => r[key]);
      if (first.length === 0 || last.length === 0) throw new Error('soak: a process has no memory samples in the first or last window');
      return (median(last) - median(first)) / 1024;
    };
    const growth: Record<string, number> = {};
    const plain: Record<string, number> = {};
    for (const [id, pid] of Object.entries(pids)) {
      const rows = await probeRows(probeDir, pid);
      growth[id] = windows(rows, 'pssKiB');
      plain[id] = windows(rows, 'pssBeforeGcKiB');
    }
    const worst = Math.max(...Object.values(growth));
    const sum = (r: Record<string, number>) => Object.values(r).reduce((a, b) => a + b, 0);
    const list = (r: Record<string, number>) => Object.entries(r).map(([id, v]) => `${id} ${v.toFixed(2)}`).join(', ');
    log(`  soak ${options.minutes} min after the warm-up, ${options.chats} chats, ${turns} turns in all`);
    if (options.forceGc === false) {
      log(`  plain PSS growth (no forced collections), MiB: ${list(plain)} (total ${sum(plain).toFixed(2)})`);
    } else {
      log(`  PSS growth after a full GC, MiB: ${list(growth)} (total ${sum(growth).toFixed(2)})`);
      log(`  PSS growth just before each forced GC (garbage included), MiB: ${list(plain)} (total ${sum(plain).toFixed(2)})`);
    }
    return {
      turns,
      growth,
      figures: [{ name: 'soak_growth_mib_per_worker', value: worst, unit: 'MiB', must: 2, aim: 0.5, better: 'lower' }],
    };
  } finally {
    stopped = true;
    await ductor.stop();
    await tg.close();
    await rm(dir, { recursive: true, force: true });
    if (!options.probeDir) await rm(probeDir, { recursive: true, force: true });
  }
}

type ProbeRow = { at: number; pssKiB: number; pssBeforeGcKiB: number };

async function probeRows(probeDir: string, pid: number): Promise<ProbeRow[]> {
  const text = await readFile(join(probeDir, `${pid}.jsonl`), 'utf8');
  return text.split('\n').filter((l) => l.includes('"at"')).map((l) => JSON.parse(l) as ProbeRow);
}
