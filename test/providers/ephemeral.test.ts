// One-shot runs (cron jobs, webhook tasks) leave no saved session behind where the CLI can promise
// that: claude `--no-session-persistence`, codex `exec --ephemeral`; gemini 0.61 has no such flag.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { buildClaudeCommand } from '../../src/workers/agent/providers/claude-command.js';
import { buildCodexCommand } from '../../src/workers/agent/providers/codex-command.js';
import { buildGeminiCommand } from '../../src/workers/agent/providers/gemini-command.js';
import type { TurnRequest } from '../../src/workers/agent/providers/turn-request.js';

const base = (over: Partial<TurnRequest>): TurnRequest => ({
  provider: 'claude',
  prompt: 'hi there',
  cwd: '/home/u/.ductor/workspace',
  permissionMode: 'bypassPermissions',
  cliParameters: [],
  timeoutMs: 60_000,
  env: { PATH: '/usr/bin' },
  ...over,
});

test('claude: an ephemeral run passes --no-session-persistence before the prompt; a chat run does not', () => {
  const args = buildClaudeCommand(base({ ephemeral: true })).args;
  assert.ok(args.includes('--no-session-persistence'), args.join(' '));
  assert.ok(args.indexOf('--no-session-persistence') < args.indexOf('--'));
  assert.ok(!buildClaudeCommand(base({})).args.includes('--no-session-persistence'));
});

test('codex: an ephemeral fresh run passes --ephemeral to exec; a chat run does not', () => {
  const args = buildCodexCommand(base({ provider: 'codex', ephemeral: true })).args;
  assert.deepEqual(args.slice(0, 2), ['exec', '--json']);
  assert.ok(args.includes('--ephemeral'), args.join(' '));
  assert.ok(args.indexOf('--ephemeral') < args.indexOf('--'));
  assert.ok(!buildCodexCommand(base({ provider: 'codex' })).args.includes('--ephemeral'));
});

test('gemini: no flag exists, so an ephemeral run is the ordinary argv', () => {
  assert.deepEqual(buildGeminiCommand(base({ provider: 'gemini', ephemeral: true })).args, buildGeminiCommand(base({ provider: 'gemini' })).args);
});
