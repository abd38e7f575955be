/**
 * Multi-agent figures. Memory: total PSS of the whole process tree (supervisor and every
 * worker) with 0, 1 and 5 sub-agents, idle after start; the marginal cost of an extra agent is
 * the difference to the 0-agent tree (per agent for 5). Delegation: `POST /interagent/send` (sync)
 * on the internal API → the sub-agent's worker runs its fake CLI → the answer comes back; the
 * figure is the round trip minus the fake CLI process's own lifetime (start of the process to its
 * exit, from the fake CLI's records), i.e. what ductor adds.
 *
 * Targets: an extra agent must stay ≤ 16 MiB, aim ≤ 12 (the per-agent budget of the idle figures); the
 * 0-agent tree uses the idle total (≤ 120, aim ≤ 100). Delegation overhead must be ≤ 50 ms, aim ≤ 20.
 */
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { FAKE_TOKEN, startFakeTelegram } from '../test/helpers/fake-telegram.js';
import { startBenchDuctor } from './ductor-process.js';
import { median, percentile, type Figure } from './figure.js';
import { pssMiB, ussMiB } from './proc-memory.js';
import { freePort } from '../test/helpers/free-port.js';

const TOKEN = '123456789:AAbenchTOKENbenchTOKENbenchTOKENbench';
const SETTLE_MS = 15_000;
const DELEGATIONS = 40;
const WARMUP = 5;

function subAgents(count: number, token: (i: number) => string): object[] {
  return Array.from({ length: count }, (_, i) => ({ name: `sub${i + 1}`, telegram_token: token(i), allowed_user_ids: [1] }));
}

type TreeMemory = { pss: number; uss: number };

/**
 * Total PSS and USS of the tree with `count` sub-agents, sampled after the start has settled. The
 * extra cost of an agent is taken from the USS (see proc-memory.ts): a PSS difference between two
 * trees also moves with how many other node processes share the binary's pages at that moment.
 */
async function treeMemory(count: number, log: (line: string) => void): Promise<TreeMemory> {
  // An unreachable Bot API, as the foundation's idle figure: the bots wait and retry, nothing else runs.
  const ductor = await startBenchDuctor({
    config: { telegram_token: TOKEN, allowed_user_ids: [1], telegram_api_root: 'http://127.0.0.1:9', update_check: false },
    agents: count > 0 ? subAgents(count, (i) => `12345678${i}:AAbenchSUBtokenSUBtokenSUBtoken${i}abcd`) : undefined,
    workers: 3 + count,
  });
  try {
    await sleep(SETTLE_MS);
    const status = await ductor.status();
    const parts = [{ id: 'supervisor', pid: status.pid }, ...status.workers.map((w) => ({ id: w.id, pid: w.pid ?? 0 }))].map((p) => ({ ...p, pss: pssMiB(p.pid), uss: ussMiB(p.pid) }));
    const pss = parts.reduce((sum, p) => sum + p.pss, 0);
    const uss = parts.reduce((sum, p) => sum + p.uss, 0);
    log(`  ${count} sub-agent(s): PSS total ${pss.toFixed(1)} MiB, USS total ${uss.toFixed(1)} MiB (PSS/USS ${parts.map((p) => `${p.id} ${p.pss.toFixed(1)}/${p.uss.toFixed(1)}`).join(', ')})`);
    return { pss, uss };
  } finally {
    await ductor.stop();
  }
}

type Rec = { event: string; pid: number; at: number; uptimeMs: number; agent?: string | null };

async function delegationOverhead(log: (line: string) => void): Promise<number> {
  const tg = await startFakeTelegram();
  const helperToken = '2222222222:AAhelperTOKENhelperTOKENhelperTOKEN22';
  tg.addToken(helperToken);
  const dir = await mkdtemp(join(tmpdir(), 'ductor-bench-deleg-'));
  const record = join(dir, 'runs.jsonl');
  const port = await freePort();
  const ductor = await startBenchDuctor({
    config: { telegram_token: FAKE_TOKEN, telegram_api_root: tg.url, allowed_user_ids: [1], update_check: false, model: 'opus', interagent_port: port },
    agents: [{ name: 'helper', telegram_token: helperToken, allowed_user_ids: [1], model: 'sonnet' }],
    env: { FAKE_CLI_RECORD: record, FAKE_CLI_DELAY_MS: '0' },
    workers: 4,
  });
  try {
    const secret = (await readFile(join(ductor.home, 'run', 'internal-api.secret'), 'utf8')).trim();
    const send = async (message: string) => {
      const response = await fetch(`http://127.0.0.1:${port}/interagent/send`, {
        method: 'POST',
        headers: { authorization: `Bearer ${secret}`, 'content-type': 'application/json' },
        body: JSON.stringify({ from: 'main', to: 'helper', message }),
      });
      const body = (await response.json()) as { success?: boolean; error?: string };
      if (!body.success) throw new Error(`delegation failed: ${JSON.stringify(body)}`);
    };
    for (;;) {
      const ok = await fetch(`http://127.0.0.1:${port}/interagent/agents`, { headers: { authorization: `Bearer ${secret}` } }).then((r) => r.ok, () => false);
      if (ok) break;
      await sleep(50);
    }
    const rtts: number[] = [];
    for (let i = 0; i < DELEGATIONS; i += 1) {
      const t0 = performance.now();
      await send(`ping ${i}`);
      rtts.push(performance.now() - t0);
    }
    // One fake CLI per delegation, in order: its lifetime is from its process start to its exit record.
    const records = (await readFile(record, 'utf8')).split('\n').filter(Boolean).map((l) => JSON.parse(l) as Rec);
    const starts = records.filter((r) => r.event === 'start' && r.agent === 'helper');
    const lifetimes = starts.map((s) => {
      const exit = records.find((r) => r.event === 'exit' && r.pid === s.pid);
      return exit ? exit.at - (s.at - s.uptimeMs) : Number.NaN;
    });
    if (starts.length !== DELEGATIONS || lifetimes.some((l) => !Number.isFinite(l))) throw new Error(`expected ${DELEGATIONS} helper CLI runs with exits, found ${starts.length}`);
    const overheads = rtts.map((rtt, i) => rtt - lifetimes[i]!).slice(WARMUP);
    log(`  delegation: round trip median ${median(rtts.slice(WARMUP)).toFixed(1)} ms, fake CLI lifetime median ${median(lifetimes.slice(WARMUP)).toFixed(1)} ms, overhead median ${median(overheads).toFixed(1)} / p90 ${percentile(overheads, 90).toFixed(1)} ms`);
    return median(overheads);
  } finally {
    await ductor.stop();
    await tg.close();
    await rm(dir, { recursive: true, force: true });
  }
}

export async function benchMultiagent(log: (line: string) => void): Promise<Figure[]> {
  log(`multiagent: tree memory with 0, 1 and 5 sub-agents (each sampled ${SETTLE_MS / 1000} s after ready)…`);
  const zero = await treeMemory(0, log);
  const one = await treeMemory(1, log);
  const five = await treeMemory(5, log);
  log('multiagent: delegation round trip through the internal API…');
  const overhead = await delegationOverhead(log);
  return [
    { name: 'agents_0_total_pss_mib', value: zero.pss, unit: 'MiB', must: 120, aim: 100, better: 'lower' },
    { name: 'agents_1_extra_uss_mib', value: one.uss - zero.uss, unit: 'MiB', must: 16, aim: 12, better: 'lower' },
    { name: 'agents_5_extra_uss_mib', value: (five.uss - zero.uss) / 5, unit: 'MiB', must: 16, aim: 12, better: 'lower' },
    { name: 'delegation_overhead_ms', value: overhead, unit: 'ms', must: 50, aim: 20, better: 'lower' },
  ];
}
