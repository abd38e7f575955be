/**
 * Exactly once across crashes: real processes, the fake Bot API and a slow streaming CLI. One
 * process is SIGKILLed (or the whole ductor stopped or restarted) at a chosen point of a turn. For
 * every message the user then sees either the answer exactly once, or exactly one notice with Retry
 * and no answer; never both, never a second copy, never "Stopped". Where marked, Retry is pressed
 * and the retried request's answer must appear once.
 *
 * The default run is a short selection that reaches every process and every point once;
 * `npm run chaos` runs every process at every point for DUCTOR_CHAOS_ROUNDS rounds (default 3).
 */
import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test, type TestContext } from 'node:test';
import { isProcessAlive } from '../../src/shared/process-alive.js';
import type { FakeMessage } from '../helpers/fake-telegram.js';
import { FAKE_CLI_DIR, startRig, type Rig } from '../helpers/rig.js';
import { pidOf, runDuctor, spawnDuctor, type StatusJson } from '../helpers/spawn-ductor.js';
import { waitFor } from '../helpers/wait-for.js';

type Victim = 'supervisor' | 'transport' | 'agent' | 'scheduler' | 'cli' | 'stop' | 'restart';
type Point = 'before-cli' | 'mid-stream' | 'after-final';
/** `retry`: when the outcome is a Retry notice, press it and expect the answer once. */
type Scenario = { victim: Victim; point: Point; hang?: boolean; retry?: boolean };

const FULL = process.env.DUCTOR_CHAOS === 'full';
const ROUNDS = FULL ? Number(process.env.DUCTOR_CHAOS_ROUNDS ?? 3) : 1;
/** Users 2001… each get a chat of their own, so every scenario is read apart from the others. */
const FIRST_USER = 2001;
const CHUNKS = 24;
const TAIL = 'END-OF-ANSWER';
const HANG = 'HANG-UNTIL-STOPPED';
/** Short grace for a stop, so a hanging turn is recorded as interrupted quickly. */
const GRACE_MS = 6_000;

const SHORT: Scenario[] = [
  { victim: 'transport', point: 'mid-stream' },
  { victim: 'agent', point: 'after-final' },
  { victim: 'supervisor', point: 'mid-stream' },
  { victim: 'supervisor', point: 'after-final' },
  { victim: 'agent', point: 'mid-stream', retry: true },
  { victim: 'transport', point: 'after-final' },
  { victim: 'cli', point: 'mid-stream' },
  { victim: 'scheduler', point: 'before-cli' },
  { victim: 'agent', point: 'before-cli' },
  { victim: 'restart', point: 'mid-stream' },
  { victim: 'stop', point: 'mid-stream', hang: true },
];

function fullMatrix(): Scenario[] {
  const list: Scenario[] = [];
  for (const victim of ['supervisor', 'transport', 'agent', 'scheduler', 'cli', 'stop', 'restart'] as const) {
    for (const point of ['before-cli', 'mid-stream', 'after-final'] as const) {
      if (victim === 'cli' && point === 'before-cli') continue; // no CLI to kill yet
      list.push({ victim, point, retry: true });
    }
  }
  list.push({ victim: 'stop', point: 'mid-stream', hang: true }, { victim: 'restart', point: 'mid-stream', hang: true });
  return list;
}

const scenarios = (FULL ? fullMatrix() : SHORT).flatMap((s) => Array.from({ length: ROUNDS }, () => s));

// One ductor for every scenario (a start per scenario would cost more than the scenarios).
const cleanups: Array<() => unknown> = [];
const shim = { after: (fn: () => unknown) => cleanups.push(fn) } as unknown as TestContext;
let rig: Rig;
let env: NodeJS.ProcessEnv;

/** A claude transcript that streams CHUNKS text messages, then a result that adds TAIL. */
async function writeSlowTranscript(dir: string): Promise<string> {
  const session = 'c4a05000-0000-4000-8000-00000000c4a0';
  const usage = { input_tokens: 10, output_tokens: 20 };
  const chunks = Array.from({ length: CHUNKS }, (_, i) => `Chunk ${String(i + 1).padStart(2, '0')} of the slow answer. `);
  const lines: unknown[] = [{ type: 'system', subtype: 'init', cwd: dir, session_id: session, tools: [], model: 'claude-sonnet-4-5', permissionMode: 'bypassPermissions' }];
  chunks.forEach((text, i) => lines.push({ type: 'assistant', message: { id: `msg_${i}`, type: 'message', role: 'assistant', content: [{ type: 'text', text }], usage }, session_id: session }));
  const result = `${chunks.join('')}${TAIL}`;
  lines.push({ type: 'result', subtype: 'success', is_error: false, duration_ms: 5, duration_api_ms: 4, num_turns: 1, result, session_id: session, total_cost_usd: 0.001, usage });
  const file = join(dir, 'slow.jsonl');
  await writeFile(file, `${lines.map((l) => JSON.stringify(l)).join('\n')}\n`);
  return file;
}

before(async () => {
  const users = Array.from({ length: scenarios.length }, (_, i) => FIRST_USER + i);
  const dir = await mkdtemp(join(tmpdir(), 'ductor-chaos-'));
  cleanups.push(() => rm(dir, { recursive: true, force: true }));
  const chaosEnv = { FAKE_CLI_DELAY_MS: '250', FAKE_CLI_HANG_ON: HANG, FAKE_CLI_TRANSCRIPT: await writeSlowTranscript(dir), DUCTOR_TURN_GRACE_MS: String(GRACE_MS) };
  rig = await startRig(shim, { config: { allowed_user_ids: users }, env: chaosEnv });
  env = { PATH: `${FAKE_CLI_DIR}:${process.env.PATH ?? ''}`, FAKE_CLI_RECORD: rig.cliRecord, ...chaosEnv };
});

after(async () => {
  for (const cleanup of cleanups.reverse()) await cleanup();
});

async function stopDuctor(): Promise<void> {
  const result = await runDuctor(rig.home, ['stop']);
  assert.equal(result.code, 0, result.stderr);
  await rig.ductor.waitForExit();
}

function chatOf(userId: number): FakeMessage[] {
  return rig.tg.visible(userId);
}

/**
 * Mid-stream: the live message has been edited at least once (its first send shows about seven
 * chunks). A transport killed in the milliseconds between Telegram confirming the first send and
 * `run/streams.json` recording it leaves that message behind: a documented window, not this point.
 */
function streamed(userId: number): boolean {
  return chatOf(userId).some((m) => m.visibleText.includes('Chunk 10') && !m.visibleText.includes(TAIL));
}

function answered(userId: number): boolean {
  return chatOf(userId).some((m) => m.visibleText.includes(TAIL));
}

async function cliPidFor(marker: string): Promise<number> {
  return waitFor(async () => (await rig.cliRuns()).find((r) => r.event === 'start' && JSON.stringify(r).includes(marker))?.pid
    ?? (await rig.cliRuns()).find((r) => r.event === 'stdin' && r.stdin?.includes(marker))?.pid, { timeoutMs: 30_000, message: `CLI for ${marker}` });
}

/** Nothing of the agent's is left to do: no journal entry queued or running, no delivery pending. */
async function agentQuiet(): Promise<boolean> {
  const read = async (name: string) => JSON.parse(await readFile(join(rig.home, name), 'utf8').catch(() => '{}')) as Record<string, unknown[]>;
  const inbox = await read('inbox.json') as { entries?: { state: string }[] };
  const outbox = await read('outbox.json') as { pending?: unknown[] };
  return (inbox.entries ?? []).every((e) => e.state === 'interrupted') && (outbox.pending ?? []).length === 0;
}

async function ready(): Promise<StatusJson> {
  return rig.ductor.waitForStatus((s) => s.workers.every((w) => w.state === 'ready'), 60_000);
}

async function strike(victim: Victim, before: StatusJson, marker: string): Promise<void> {
  switch (victim) {
    case 'transport':
    case 'scheduler':
    case 'agent': {
      const id = victim === 'agent' ? 'agent:main' : victim;
      const pid = pidOf(before, id);
      process.kill(pid, 'SIGKILL');
      await rig.ductor.waitForStatus((s) => s.workers.find((w) => w.id === id)?.state === 'ready' && pidOf(s, id) !== pid, 60_000);
      return;
    }
    case 'cli': {
      const pid = await cliPidFor(marker);
      // After the final the CLI may have exited already: nothing left to kill is fine.
      try {
        process.kill(pid, 'SIGKILL');
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'ESRCH') throw error;
      }
      return;
    }
    case 'supervisor': {
      process.kill(before.pid, 'SIGKILL');
      await rig.ductor.waitForExit();
      // The workers notice the lost channel and leave; a new start comes after, as a user's would.
      const workers = before.workers.map((w) => w.pid).filter((p): p is number => typeof p === 'number');
      await waitFor(() => workers.every((p) => !isProcessAlive(p)), { timeoutMs: 30_000, message: 'the old workers left' });
      rig.ductor = await spawnDuctor(shim, rig.home, env);
      return;
    }
    case 'stop':
      await stopDuctor();
      rig.ductor = await spawnDuctor(shim, rig.home, env);
      return;
    case 'restart': {
      const result = await runDuctor(rig.home, ['restart']);
      assert.equal(result.code, 0, result.stderr);
      await ready();
      return;
    }
  }
}

scenarios.forEach((scenario, index) => {
  const userId = FIRST_USER + index;
  const name = `${scenario.victim} ${scenario.victim === 'stop' || scenario.victim === 'restart' ? '' : 'SIGKILL '}${scenario.point}${scenario.hang ? ' (a turn that cannot finish)' : ''}`;
  test(`chaos: ${name}: the answer once, or one Retry and no answer`, async () => {
    const before = await ready();
    const marker = `q${index}${scenario.hang ? ` ${HANG}` : ''}`;
    rig.tg.pushMessage({ chatId: userId, userId, text: marker });
    if (scenario.point === 'mid-stream') {
      if (scenario.hang) await cliPidFor(marker);
      else await waitFor(() => streamed(userId), { timeoutMs: 30_000, message: 'the answer streams' });
    } else if (scenario.point === 'after-final') {
      await waitFor(() => answered(userId), { timeoutMs: 30_000, message: 'the final answer is shown' });
    }
    await strike(scenario.victim, before, marker);
    await ready();
    await waitFor(async () => (answered(userId) || chatOf(userId).some((m) => m.visibleText.includes('cut off'))) && (await agentQuiet()), { timeoutMs: 60_000, message: 'the message is answered or reported' });

    const chat = chatOf(userId);
    const answers = chat.filter((m) => m.visibleText.includes(TAIL));
    const copies = chat.filter((m) => m.visibleText.includes('Chunk 01'));
    const notices = chat.filter((m) => m.visibleText.includes('cut off'));
    const shown = chat.map((m) => m.visibleText.slice(0, 60));
    assert.equal(chat.filter((m) => m.visibleText.includes('Stopped')).length, 0, `no "Stopped": ${JSON.stringify(shown)}`);
    if (answers.length > 0) {
      assert.equal(answers.length, 1, `the answer exactly once: ${JSON.stringify(shown)}`);
      assert.equal(copies.length, 1, `no second copy of the streamed text: ${JSON.stringify(shown)}`);
      assert.equal(notices.length, 0, `an answer and no Retry notice: ${JSON.stringify(shown)}`);
    } else {
      assert.equal(notices.length, 1, `exactly one Retry notice: ${JSON.stringify(shown)}`);
      const markup = notices[0]!.replyMarkup as { inline_keyboard?: { callback_data?: string }[][] } | undefined;
      const retry = markup?.inline_keyboard?.flat().find((b) => b.callback_data?.startsWith('rt:'));
      assert.ok(retry?.callback_data, 'the notice offers Retry');
      if (scenario.retry && !scenario.hang) {
        // Retry runs the request once more, and its answer is shown once.
        rig.tg.pushCallbackQuery({ chatId: userId, userId, messageId: notices[0]!.messageId, data: retry.callback_data });
        await waitFor(async () => answered(userId) && (await agentQuiet()), { timeoutMs: 60_000, message: 'the retried request is answered' });
        assert.equal(chatOf(userId).filter((m) => m.visibleText.includes(TAIL)).length, 1, `the retried answer once: ${JSON.stringify(chatOf(userId).map((m) => m.visibleText.slice(0, 60)))}`);
      }
    }
  });
});
