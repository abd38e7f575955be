/** `ductor chat`: the terminal talks to an agent through the running transport, like a chat. */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { test } from 'node:test';
import { startRig, transcriptResult } from '../helpers/rig.js';
import { DUCTOR_BIN } from '../helpers/spawn-ductor.js';

async function chat(home: string, input: string, args: string[] = []): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const child = spawn(process.execPath, [DUCTOR_BIN, 'chat', ...args], { env: { ...process.env, DUCTOR_HOME: home }, stdio: ['pipe', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  child.stdin.end(input);
  const timer = setTimeout(() => child.kill('SIGKILL'), 60_000);
  const [code] = (await once(child, 'close')) as [number | null];
  clearTimeout(timer);
  return { code, stdout, stderr };
}

test('ductor chat sends lines to the agent and prints its streamed answers and command replies', async (t) => {
  const rig = await startRig(t);
  const answer = await transcriptResult('claude', 'claude-local-hello');
  const result = await chat(rig.home, 'hello from the terminal\n');
  assert.equal(result.code, 0, result.stderr);
  assert.ok(result.stdout.includes(answer), result.stdout);
  const status = await chat(rig.home, '/status\n');
  assert.match(status.stdout, /Messages: 1/, 'the console has its own session, like a chat');
  const runs = await rig.cliRuns();
  assert.equal(runs.filter((r) => r.event === 'start').length, 1);
  assert.ok(runs.some((r) => JSON.stringify(r).includes('hello from the terminal')));
  assert.equal(rig.tg.sent().filter((m) => m.kind === 'text').length, 0, 'nothing went to Telegram');
});

test('ductor chat without a running ductor says so and exits non-zero', async (t) => {
  const { tmpHome } = await import('../helpers/tmp-home.js');
  const result = await chat(await tmpHome(t), 'hi\n');
  assert.notEqual(result.code, 0);
  assert.match(result.stderr, /not running/);
});

test('ductor chat renders Markdown for the terminal and lists buttons as numbered choices; a number picks one', async (t) => {
  const { mkdtemp, rm } = await import('node:fs/promises');
  const { tmpdir } = await import('node:os');
  const { join } = await import('node:path');
  const { writeClaudeTranscript } = await import('../helpers/rig.js');
  const dir = await mkdtemp(join(tmpdir(), 'ductor-console-md-'));
  t.after(() => rm(dir, { recursive: true, force: true }));
  const transcript = await writeClaudeTranscript(dir, 'md', 'Pick **one**:\n\n[button:Alpha] [button:Beta]');
  const rig = await startRig(t, { env: { FAKE_CLI_TRANSCRIPT: transcript } });
  const first = await chat(rig.home, 'choose\n');
  assert.equal(first.code, 0, first.stderr);
  assert.ok(first.stdout.includes('\x1b[1mone\x1b[0m'), first.stdout);
  assert.ok(!first.stdout.includes('**') && !first.stdout.includes('[button:'), first.stdout);
  assert.match(first.stdout, /1\) Alpha\n\s+2\) Beta/);
  const second = await chat(rig.home, '1\n');
  assert.equal(second.code, 0, second.stderr);
  const runs = await rig.cliRuns();
  assert.ok(runs.some((r) => r.event === 'start' && JSON.stringify(r).includes('Alpha')), 'the number sent the choice');
});

test('a console-only setup (transport "console", no telegram_token) starts and answers ductor chat', async (t) => {
  const rig = await startRig(t, { config: { transport: 'console', transports: ['console'], telegram_token: '', allowed_user_ids: [] } });
  const answer = await transcriptResult('claude', 'claude-local-hello');
  const result = await chat(rig.home, 'hello without telegram\n');
  assert.equal(result.code, 0, result.stderr);
  assert.ok(result.stdout.includes(answer), result.stdout);
  assert.equal(rig.tg.callsOf('getMe').length, 0, 'no bot was started');
});
