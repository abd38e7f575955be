/**
 * A whole ductor on a temp home: the fake Bot API server, the fake CLIs first on PATH, and the
 * real compiled supervisor with its workers. What a user would see is read from the fake server.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { TestContext } from 'node:test';
import { fileURLToPath } from 'node:url';
import { FAKE_TOKEN, startFakeTelegram, type FakeTelegram } from './fake-telegram.js';
import { spawnDuctor, type RunningDuctor } from './spawn-ductor.js';
import { markStartedBefore } from './started-before.js';
import { tmpHome, writeConfig } from './tmp-home.js';

export const FAKE_CLI_DIR = fileURLToPath(new URL('../fake-cli', import.meta.url));
export const USER_ID = 1001;

export type Rig = { home: string; tg: FakeTelegram; ductor: RunningDuctor; cliRecord: string; cliRuns: () => Promise<CliRun[]> };
export type CliRun = { event: string; argv?: string[]; pid?: number; stdin?: string; cwd?: string; extraCaCerts?: string | null; mallocMmapThreshold?: string | null; mallocArenaMax?: string | null };

export type RigOptions = {
  config?: Record<string, unknown>;
  env?: NodeJS.ProcessEnv;
  /** Runs after the config is written and before ductor starts (e.g. to write agents.json). */
  beforeStart?: (home: string) => Promise<void>;
  /** More bot tokens the fake Bot API accepts (sub-agents). */
  tokens?: string[];
};

export async function startRig(t: TestContext, options: RigOptions = {}): Promise<Rig> {
  const home = await tmpHome(t);
  const tg = await startFakeTelegram(t);
  for (const token of options.tokens ?? []) tg.addToken(token);
  await writeConfig(home, {
    telegram_token: FAKE_TOKEN,
    telegram_api_root: tg.url,
    allowed_user_ids: [USER_ID],
    model: 'opus',
    provider: 'claude',
    ...options.config,
  });
  // An existing install restarting: no "I'm online" notice in every test chat (a test removes this to see it).
  await markStartedBefore(home);
  await options.beforeStart?.(home);
  const cliRecord = join(home, 'cli-record.jsonl');
  const ductor = await spawnDuctor(t, home, {
    PATH: `${FAKE_CLI_DIR}:${process.env.PATH ?? ''}`,
    FAKE_CLI_RECORD: cliRecord,
    FAKE_CLI_DELAY_MS: '5',
    ...options.env,
  });
  const cliRuns = async (): Promise<CliRun[]> => {
    try {
      return (await readFile(cliRecord, 'utf8')).trim().split('\n').filter(Boolean).map((l) => JSON.parse(l) as CliRun);
    } catch {
      return [];
    }
  };
  return { home, tg, ductor, cliRecord, cliRuns };
}

/** The final `result` text of a transcript, read independently of our parser. */
export async function transcriptResult(cli: string, name: string): Promise<string> {
  const file = fileURLToPath(new URL(`../fixtures/cli/${cli}/${name}.jsonl`, import.meta.url));
  const lines = (await readFile(file, 'utf8')).trim().split('\n');
  for (const line of lines.reverse()) {
    const parsed = JSON.parse(line) as { type?: string; result?: string };
    if (parsed.type === 'result' && typeof parsed.result === 'string') return parsed.result;
  }
  throw new Error(`${name} has no result line`);
}

/**
 * Writes a minimal claude stream-json transcript (init, one assistant text, result) whose answer
 * is `text`, in the shape the real CLI prints, for tests that need a particular reply.
 */
export async function writeClaudeTranscript(dir: string, name: string, text: string, sessionId = 'f0e1d2c3-0000-4000-8000-000000000001'): Promise<string> {
  const { writeFile } = await import('node:fs/promises');
  const file = join(dir, `${name}.jsonl`);
  const usage = { input_tokens: 10, output_tokens: 20 };
  const lines = [
    { type: 'system', subtype: 'init', cwd: dir, session_id: sessionId, tools: [], model: 'claude-sonnet-4-5', permissionMode: 'bypassPermissions' },
    { type: 'assistant', message: { id: 'msg_t', type: 'message', role: 'assistant', content: [{ type: 'text', text }], usage }, session_id: sessionId },
    { type: 'result', subtype: 'success', is_error: false, duration_ms: 5, duration_api_ms: 4, num_turns: 1, result: text, session_id: sessionId, total_cost_usd: 0.001, usage },
  ];
  await writeFile(file, `${lines.map((l) => JSON.stringify(l)).join('\n')}\n`);
  return file;
}
