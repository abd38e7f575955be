import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildClaudeCommand, claudeUserMessage } from '../../src/workers/agent/providers/claude-command.js';
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

test('claude: print mode, streaming JSON, options in spec order, prompt after --', () => {
  const cmd = buildClaudeCommand(
    base({ model: 'opus', reasoningEffort: 'high', appendSystemPrompt: 'be brief', resumeSessionId: 'sess-1', cliParameters: ['--max-turns', '3'] }),
  );
  assert.equal(cmd.file, 'claude');
  assert.deepEqual(cmd.args, [
    '-p', '--output-format', 'stream-json', '--verbose',
    '--permission-mode', 'bypassPermissions', '--model', 'opus', '--effort', 'high',
    '--append-system-prompt', 'be brief', '--resume', 'sess-1', '--max-turns', '3', '--', 'hi there',
  ]);
  assert.equal(cmd.cwd, '/home/u/.ductor/workspace');
  assert.deepEqual(cmd.stdin, { kind: 'none' });
  assert.ok(!buildClaudeCommand(base({ reasoningEffort: 'default' })).args.includes('--effort'));
});

test('claude: approvals switch to stream-json input with the stdio permission tool and the prompt on stdin', () => {
  const cmd = buildClaudeCommand(base({ permissionMode: 'default' }));
  assert.deepEqual(cmd.args.slice(0, 8), ['-p', '--output-format', 'stream-json', '--verbose', '--input-format', 'stream-json', '--permission-prompt-tool', 'stdio']);
  assert.ok(!cmd.args.includes('--'));
  assert.deepEqual(cmd.stdin, { kind: 'stream-json', firstLine: claudeUserMessage('hi there') });
  assert.deepEqual(JSON.parse(claudeUserMessage('x')), { type: 'user', message: { role: 'user', content: 'x' }, parent_tool_use_id: null, session_id: '' });
});

test('claude: an appended prompt over 96 KiB goes through a temp file; a huge prompt goes on stdin', () => {
  const dir = mkdtempSync(join(tmpdir(), 'ductor-cmd-'));
  try {
    const big = 'm'.repeat(96 * 1024 + 1);
    const cmd = buildClaudeCommand(base({ appendSystemPrompt: big, tempDir: dir, prompt: 'p'.repeat(200 * 1024) }));
    const at = cmd.args.indexOf('--append-system-prompt-file');
    assert.ok(at > 0);
    const file = cmd.args[at + 1]!;
    assert.deepEqual(cmd.tempFiles, [file]);
    assert.equal(readFileSync(file, 'utf8'), big);
    assert.ok(!cmd.args.includes('--append-system-prompt'));
    assert.equal(cmd.stdin.kind, 'text');
    assert.ok(!cmd.args.includes('--'));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('codex: fresh run with sandbox flags, effort as -c, prompt composed on stdin', () => {
  const cmd = buildCodexCommand(base({ provider: 'codex', permissionMode: 'default', model: 'gpt-5.5', reasoningEffort: 'high', appendSystemPrompt: 'memory', cliParameters: ['--add-dir', '/x'] }));
  assert.deepEqual(cmd.args, ['exec', '--json', '--color', 'never', '--sandbox', 'read-only', '--skip-git-repo-check', '--model', 'gpt-5.5', '-c', 'model_reasoning_effort=high', '--add-dir', '/x', '--', '-']);
  assert.deepEqual(cmd.stdin, { kind: 'text', text: 'hi there\n\nmemory' });
  const bypass = buildCodexCommand(base({ provider: 'codex' }));
  assert.ok(bypass.args.includes('--dangerously-bypass-approvals-and-sandbox'));
  const ws = buildCodexCommand(base({ provider: 'codex', permissionMode: 'default', codexSandbox: 'workspace-write' }));
  assert.deepEqual(ws.args.slice(4, 6), ['--sandbox', 'workspace-write']);
});

test('codex: resume puts the thread id before "-", sets the sandbox by config and drops cli_parameters', () => {
  const cmd = buildCodexCommand(base({ provider: 'codex', permissionMode: 'default', resumeSessionId: 'thr-9', cliParameters: ['--add-dir', '/x'] }));
  assert.deepEqual(cmd.args, ['exec', 'resume', '--json', '-c', 'sandbox_mode="read-only"', '--skip-git-repo-check', '--', 'thr-9', '-']);
});

test('gemini: stream-json, include dir, yolo only when bypassing, resume, prompt on stdin, system prompt by env file', () => {
  const dir = mkdtempSync(join(tmpdir(), 'ductor-cmd-'));
  try {
    const cmd = buildGeminiCommand(base({ provider: 'gemini', model: 'gemini-2.5-flash', resumeSessionId: 's-1', appendSystemPrompt: 'SYS', tempDir: dir, cliParameters: ['--debug'] }));
    assert.deepEqual(cmd.args, ['--output-format', 'stream-json', '--include-directories', '.', '--model', 'gemini-2.5-flash', '--approval-mode', 'yolo', '--resume', 's-1', '--debug']);
    assert.deepEqual(cmd.stdin, { kind: 'text', text: 'hi there' });
    const sys = cmd.env.GEMINI_SYSTEM_MD!;
    assert.equal(readFileSync(sys, 'utf8'), 'SYS');
    assert.deepEqual(cmd.tempFiles, [sys]);
    assert.equal(cmd.env.GEMINI_IDE_ENABLED, 'false');
    assert.ok(!buildGeminiCommand(base({ provider: 'gemini', permissionMode: 'default' })).args.includes('--approval-mode'));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('docker: wraps in docker exec with -i for stdin, mapped cwd, env and the bare binary', () => {
  const home = mkdtempSync(join(tmpdir(), 'ductor-home-'));
  try {
    const docker = { container: 'ductor-sbx', homeMount: { hostPath: home, containerPath: '/ductor' }, env: { DUCTOR_CHAT_ID: '42' } };
    const cmd = buildGeminiCommand(base({ provider: 'gemini', cwd: join(home, 'workspace'), docker, appendSystemPrompt: 'S', binary: '/opt/gemini' }));
    assert.equal(cmd.file, 'docker');
    assert.equal(cmd.cwd, undefined);
    const sys = cmd.tempFiles[0]!;
    assert.ok(sys.startsWith(join(home, 'tmp')), 'the system prompt file lives in the home tmp folder');
    assert.ok(existsSync(sys));
    const args = cmd.args;
    assert.deepEqual(args.slice(0, 4), ['exec', '-i', '-w', '/ductor/workspace']);
    assert.ok(args.includes('DUCTOR_CHAT_ID=42'));
    assert.ok(args.includes(`GEMINI_SYSTEM_MD=/ductor/tmp/${sys.split('/').pop()}`));
    const at = args.indexOf('ductor-sbx');
    assert.deepEqual(args.slice(at, at + 3), ['ductor-sbx', 'gemini', '--output-format']);
    const claude = buildClaudeCommand(base({ cwd: join(home, 'workspace'), docker }));
    assert.ok(!claude.args.includes('-i'), 'claude with the prompt as argument needs no stdin');
  } finally {
    rmSync(home, { recursive: true, force: true });
  }
});

// One-shot runs (cron jobs, webhook tasks) leave no saved session behind where the CLI can promise
// that: claude `--no-session-persistence`, codex `exec --ephemeral`; gemini 0.61 has no such flag.
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
