/**
 * Webhook throughput: requests/s answered 202 on loopback, and their p99 latency, while
 * a chat turn is streaming through the same host. The hook is a `cron_task` hook inside its quiet
 * hours, so every accepted request goes the full server path (auth, rate limiter, body checks,
 * dispatch, trigger recorded in webhooks.json under the lock) without starting a CLI per request.
 *
 * Targets (none were set for it): must ≥ 200 requests/s and p99 ≤ 50 ms; aim ≥ 1000 and ≤ 20 ms.
 */
import { Agent, request } from 'node:http';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { FAKE_TOKEN, startFakeTelegram } from '../test/helpers/fake-telegram.js';
import { startBenchDuctor } from './ductor-process.js';
import { percentile, type Figure } from './figure.js';
import { freePort } from '../test/helpers/free-port.js';
import { writeClaudeTranscript } from './claude-transcript.js';

const USER = 7001;
const HOOK_TOKEN = 'bench-hook-token-0123456789abcdef';
const LOAD_MS = 5_000;
const CONCURRENCY = 16;
const STREAM_CHUNKS = 600;
const STREAM_DELAY_MS = 40;

/** A claude transcript that streams for about STREAM_CHUNKS × STREAM_DELAY_MS. */
function longTranscript(dir: string): Promise<string> {
  const parts = Array.from({ length: STREAM_CHUNKS }, (_, i) => `Part ${i + 1}. `);
  return writeClaudeTranscript(join(dir, 'long.jsonl'), { sessionId: 'b0b0b0b0-0000-4000-8000-000000000005', parts, result: 'done' });
}

function post(agent: Agent, port: number, body: string): Promise<{ status: number; ms: number }> {
  const t0 = performance.now();
  return new Promise((resolve, reject) => {
    const req = request(
      { host: '127.0.0.1', port, path: '/hooks/bench', method: 'POST', agent, headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body), authorization: `Bearer ${HOOK_TOKEN}` } },
      (res) => {
        res.resume();
        res.on('end', () => resolve({ status: res.statusCode ?? 0, ms: performance.now() - t0 }));
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

export async function benchAutomation(log: (line: string) => void): Promise<Figure[]> {
  log('automation: webhook throughput on loopback while a turn streams…');
  const tg = await startFakeTelegram();
  const dir = await mkdtemp(join(tmpdir(), 'ductor-bench-hook-'));
  const port = await freePort();
  const hour = new Date().getUTCHours();
  const hook = {
    id: 'bench', title: 'bench', mode: 'cron_task', task_folder: 'bench', auth_mode: 'bearer', token: HOOK_TOKEN,
    // Quiet for this hour and the next, so the run is skipped after everything else was done.
    quiet_start: hour, quiet_end: (hour + 2) % 24,
  };
  const ductor = await startBenchDuctor({
    config: {
      telegram_token: FAKE_TOKEN, telegram_api_root: tg.url, allowed_user_ids: [USER], update_check: false, model: 'opus', user_timezone: 'UTC',
      webhooks: { enabled: true, port, rate_limit_per_minute: 100_000_000 },
    },
    files: { 'webhooks.json': JSON.stringify({ hooks: [hook] }) },
    env: { FAKE_CLI_TRANSCRIPT: await longTranscript(dir), FAKE_CLI_DELAY_MS: String(STREAM_DELAY_MS) },
    workers: 3,
  });
  const agent = new Agent({ keepAlive: true, maxSockets: CONCURRENCY });
  try {
    // The server is up once a request gets an answer other than a refused connection.
    for (;;) {
      const probe = await post(agent, port, '{}').catch(() => null);
      if (probe?.status === 202) break;
      await sleep(50);
    }
    tg.pushMessage({ chatId: USER, userId: USER, text: 'stream a long answer' });
    const streaming = () => tg.visible(USER).some((m) => m.visibleText.includes('Part '));
    while (!streaming()) await sleep(20);

    const latencies: number[] = [];
    const statuses = new Map<number, number>();
    const end = performance.now() + LOAD_MS;
    let n = 0;
    const worker = async () => {
      while (performance.now() < end) {
        n += 1;
        const { status, ms } = await post(agent, port, JSON.stringify({ event: 'bench', n }));
        statuses.set(status, (statuses.get(status) ?? 0) + 1);
        if (status === 202) latencies.push(ms);
      }
    };
    const t0 = performance.now();
    await Promise.all(Array.from({ length: CONCURRENCY }, worker));
    const seconds = (performance.now() - t0) / 1000;
    const stillStreaming = !tg.visible(USER).some((m) => m.visibleText.includes(`Part ${STREAM_CHUNKS}.`));
    const rps = latencies.length / seconds;
    log(`  ${latencies.length} accepted in ${seconds.toFixed(1)} s (${CONCURRENCY} connections), statuses ${JSON.stringify(Object.fromEntries(statuses))}, turn still streaming at the end: ${stillStreaming}`);
    if (!stillStreaming) log('  warning: the turn finished before the load did; the figures partly cover an idle host');
    return [
      { name: 'webhook_rps', value: rps, unit: 'req/s', must: 200, aim: 1000, better: 'higher' },
      { name: 'webhook_p99_ms', value: percentile(latencies, 99), unit: 'ms', must: 50, aim: 20, better: 'lower' },
    ];
  } finally {
    agent.destroy();
    await ductor.stop();
    await tg.close();
    await rm(dir, { recursive: true, force: true });
  }
}
