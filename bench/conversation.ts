/**
 * Conversation figures, against the project's fake Bot API server and the fake claude:
 * update received → CLI spawned (p50/p99), CLI's first text → first send/edit request (p50),
 * and 50 chats streaming at once (rate-limit violations, 429s, answers dropped, transport memory).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { connectControl } from '../src/shared/control-client.js';
import { FAKE_TOKEN, startFakeTelegram, type FakeTelegram } from '../test/helpers/fake-telegram.js';
import { markStartedBefore } from '../test/helpers/started-before.js';
import { benchDeliveryLog } from './delivery-log.js';
import { median, percentile, type Figure } from './figure.js';
import { bareSpawnMs, ratioNote } from './floors.js';
import { pssMiB } from './proc-memory.js';
import { writeClaudeTranscript } from './claude-transcript.js';

const DUCTOR = fileURLToPath(new URL('../bin/ductor.js', import.meta.url));
/** The fake CLIs live in the source tree (test/fake-cli), found from dist/bench/. */
const FAKE_CLI_DIR = fileURLToPath(new URL('../../test/fake-cli', import.meta.url));

/**
 * Update → spawn against a bare spawn of the same fake CLI. The update crosses two processes and
 * the inbox journal's fsync before the spawn starts, so it is a few bare spawns long.
 */
const UPDATE_TO_SPAWN_P50_MUST = 6;
const UPDATE_TO_SPAWN_P50_AIM = 4;
const UPDATE_TO_SPAWN_P99_MUST = 15;
const UPDATE_TO_SPAWN_P99_AIM = 8;

type Instance = { home: string; child: ChildProcess; tg: FakeTelegram };

async function startInstance(users: number[], transcript: string, delayMs: number, enforceRateLimits = false): Promise<Instance> {
  const tg = await startFakeTelegram(undefined, { enforceRateLimits });
  const home = await mkdtemp(join(tmpdir(), 'ductor-bench-chat-'));
  await mkdir(join(home, 'config'), { recursive: true });
  await writeFile(join(home, 'config', 'config.json'), JSON.stringify({
    telegram_token: FAKE_TOKEN, telegram_api_root: tg.url, allowed_user_ids: users, update_check: false,
    log_level: 'DEBUG', model: 'opus',
  }));
  // A bot that has started before: an "I'm online" notice in every chat would pass for its first answer.
  await markStartedBefore(home);
  const child = spawn(process.execPath, [DUCTOR], {
    env: { ...process.env, DUCTOR_HOME: home, PATH: `${FAKE_CLI_DIR}:${process.env.PATH ?? ''}`, FAKE_CLI_TRANSCRIPT: transcript, FAKE_CLI_DELAY_MS: String(delayMs) },
    stdio: 'ignore',
  });
  for (;;) {
    const control = await connectControl(home, 200);
    if (control) {
      const status = await control.peer.request('status', {});
      control.close();
      if (status.workers.every((w) => w.state === 'ready') && tg.callsOf('getUpdates').length > 0) break;
    }
    await sleep(20);
  }
  return { home, child, tg };
}

async function stopInstance(instance: Instance): Promise<void> {
  instance.child.kill('SIGTERM');
  await once(instance.child, 'exit');
  await instance.tg.close();
  await rm(instance.home, { recursive: true, force: true });
}

type Stamp = { msg: string; inbound?: string; chat?: number; at?: number };

async function stamps(home: string, file: string): Promise<Stamp[]> {
  const text = await readFile(join(home, 'logs', file), 'utf8');
  return text.split('\n').filter((l) => l.includes('"at":')).map((l) => JSON.parse(l) as Stamp);
}

/** A transcript that streams `chunks` assistant messages (one line each), like a long answer. */
function streamingTranscript(dir: string, chunks: number): Promise<string> {
  const parts = Array.from({ length: chunks }, (_, i) => `Part ${i + 1}: ${'streamed words '.repeat(12)}\n\n`);
  return writeClaudeTranscript(join(dir, 'streaming.jsonl'), { sessionId: 'b0b0b0b0-0000-4000-8000-000000000001', parts });
}

async function latency(log: (line: string) => void): Promise<Figure[]> {
  // One chat per sample: a chat's own Telegram pacing (about one request a second) must not be
  // what is measured; the figures are the host's overhead.
  const runs = 40;
  const users = Array.from({ length: runs + 5 }, (_, i) => 5001 + i);
  // The floor: a bare spawn of the same fake claude from a small node process, before and after
  // the samples (the load of the moment moves both).
  const floors = await bareSpawnMs(join(FAKE_CLI_DIR, 'claude'), 23);
  const instance = await startInstance(users, 'claude-local-hello', 1);
  try {
    for (const user of users) {
      instance.tg.pushMessage({ chatId: user, userId: user, text: `ping ${user}` });
      while (instance.tg.visible(user).length === 0) await sleep(5);
    }
    const transport = await stamps(instance.home, 'transport.log');
    const agent = await stamps(instance.home, 'agent-main.log');
    const received = new Map(transport.filter((s) => s.msg === 'update received').map((s) => [s.inbound, s.at!]));
    const spawned = agent.filter((s) => s.msg === 'cli spawned').map((s) => s.at! - (received.get(s.inbound) ?? Number.NaN)).filter(Number.isFinite).slice(5);
    const firstText = agent.filter((s) => s.msg === 'first text');
    const sends = instance.tg.calls.filter((c) => c.method === 'sendMessage' || c.method === 'editMessageText');
    const textToSend = firstText.slice(5).map((s) => {
      const first = sends.find((c) => c.at >= s.at! && Number(c.params.chat_id) === s.chat);
      return (first?.at ?? Number.NaN) - s.at!;
    }).filter(Number.isFinite);
    floors.push(...(await bareSpawnMs(join(FAKE_CLI_DIR, 'claude'), 23)).slice(3));
    const floor = median(floors.slice(3));
    log(`  update→spawn samples ${spawned.length}, first text→request samples ${textToSend.length}`);
    // No samples means the log lines or the ids they carry changed: a figure made of nothing would mislead.
    if (spawned.length === 0 || textToSend.length === 0) throw new Error('conversation bench: no latency samples found in the debug logs (log lines or inbound ids changed?)');
    log(`  update→spawn p50 ${ratioNote(percentile(spawned, 50), floor)}, p99 ${ratioNote(percentile(spawned, 99), floor)} (a bare spawn of the same fake claude; median of 40)`);
    return [
      { name: 'update_to_spawn_p50_ms', value: percentile(spawned, 50), unit: 'ms', floor, must: UPDATE_TO_SPAWN_P50_MUST, aim: UPDATE_TO_SPAWN_P50_AIM, better: 'lower' },
      { name: 'update_to_spawn_p99_ms', value: percentile(spawned, 99), unit: 'ms', floor, must: UPDATE_TO_SPAWN_P99_MUST, aim: UPDATE_TO_SPAWN_P99_AIM, better: 'lower' },
      { name: 'first_text_to_request_p50_ms', value: percentile(textToSend, 50), unit: 'ms', must: 300, aim: 150, better: 'lower' },
    ];
  } finally {
    await stopInstance(instance);
  }
}

/**
 * The transport's PSS once its start-up is over, so that the figure is about the 50 chats. Start-up
 * once left a peak here (~27 MiB of V8 compiler memory for Node's HTTP parser right after the first
 * Bot API answers, see WORKER_V8_FLAGS); the start-up peak is printed beside the settled value.
 * Settled: three samples 500 ms apart within 0.5 MiB of each other, after at least 12 s.
 */
async function settledPssMiB(pid: number, log: (line: string) => void): Promise<number> {
  const start = Date.now();
  const recent: number[] = [];
  let peak = 0;
  for (;;) {
    const now = pssMiB(pid);
    peak = Math.max(peak, now);
    recent.push(now);
    if (recent.length > 3) recent.shift();
    const waited = Date.now() - start;
    if ((waited >= 12_000 && recent.length === 3 && Math.max(...recent) - Math.min(...recent) <= 0.5) || waited > 60_000) {
      log(`  transport PSS settled at ${now.toFixed(1)} MiB after ${(waited / 1000).toFixed(1)} s (start-up peak ${peak.toFixed(1)} MiB)`);
      return now;
    }
    await sleep(500);
  }
}

async function fiftyChats(log: (line: string) => void): Promise<Figure[]> {
  const users = Array.from({ length: 50 }, (_, i) => 6000 + i);
  const dir = await mkdtemp(join(tmpdir(), 'ductor-bench-transcript-'));
  const transcript = await streamingTranscript(dir, 16);
  // Telegram's flood limits, answered as Telegram does (429 with retry_after): a host that paces
  // its requests badly loses time and shows up in the 429 count.
  const instance = await startInstance(users, transcript, 250, true);
  try {
    const control = await connectControl(instance.home);
    const status = await control!.peer.request('status', {});
    control!.close();
    const transportPid = status.workers.find((w) => w.id === 'transport')!.pid!;
    const before = await settledPssMiB(transportPid, log);
    for (const user of users) instance.tg.pushMessage({ chatId: user, userId: user, text: 'stream something' });
    const deadline = Date.now() + 180_000;
    let peak = before;
    const answered = () => users.filter((u) => instance.tg.visible(u).some((m) => m.visibleText.includes('Part 16'))).length;
    while (answered() < users.length && Date.now() < deadline) {
      peak = Math.max(peak, pssMiB(transportPid));
      await sleep(500);
    }
    const got = answered();
    const rejected429 = instance.tg.calls.filter((c) => c.status === 429).length;
    log(`  50 chats: answered ${got}/50, rate violations ${instance.tg.violations.length}, 429s ${rejected429}, transport PSS ${before.toFixed(1)} → peak ${peak.toFixed(1)} MiB`);
    return [
      { name: 'fifty_chats_rate_violations', value: instance.tg.violations.length, unit: 'count', must: 0, aim: 0, better: 'lower' },
      { name: 'fifty_chats_429', value: rejected429, unit: 'count', must: 0, aim: 0, better: 'lower' },
      { name: 'fifty_chats_answers_dropped', value: users.length - got, unit: 'count', must: 0, aim: 0, better: 'lower' },
      { name: 'fifty_chats_transport_pss_growth_mib', value: peak - before, unit: 'MiB', must: 10, aim: 10, better: 'lower' },
    ];
  } finally {
    await stopInstance(instance);
    await rm(dir, { recursive: true, force: true });
  }
}

export async function benchConversation(log: (line: string) => void): Promise<Figure[]> {
  log('conversation: latency through the fake Bot API (45 turns)…');
  const figures = await latency(log);
  log('conversation: 50 chats streaming at once…');
  figures.push(...(await fiftyChats(log)));
  log('conversation: recording deliveries in a full delivery log…');
  figures.push(...(await benchDeliveryLog(log)));
  return figures;
}
