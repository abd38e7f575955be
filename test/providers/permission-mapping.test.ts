// permission_mode mapped to codex's sandbox and gemini's approval mode (neither can ask per tool
// in its non-interactive mode), and the approval summary of a claude edit says how big it is.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { buildCodexCommand } from '../../src/workers/agent/providers/codex-command.js';
import { buildGeminiCommand } from '../../src/workers/agent/providers/gemini-command.js';
import { summarizeToolInput } from '../../src/workers/agent/providers/claude-parser.js';
import type { TurnRequest } from '../../src/workers/agent/providers/turn-request.js';

const base = (over: Partial<TurnRequest>): TurnRequest => ({ provider: 'codex', prompt: 'hi', cwd: '/w', permissionMode: 'default', cliParameters: [], timeoutMs: 60_000, env: {}, ...over });
const after = (args: string[], flag: string) => args[args.indexOf(flag) + 1];

test('codex: bypass → no sandbox; acceptEdits/auto → workspace-write; default/plan → read-only; an explicit sandbox wins', () => {
  assert.ok(buildCodexCommand(base({ permissionMode: 'bypassPermissions' })).args.includes('--dangerously-bypass-approvals-and-sandbox'));
  assert.equal(after(buildCodexCommand(base({ permissionMode: 'acceptEdits' })).args, '--sandbox'), 'workspace-write');
  assert.equal(after(buildCodexCommand(base({ permissionMode: 'auto' })).args, '--sandbox'), 'workspace-write');
  assert.equal(after(buildCodexCommand(base({ permissionMode: 'default' })).args, '--sandbox'), 'read-only');
  assert.equal(after(buildCodexCommand(base({ permissionMode: 'plan' })).args, '--sandbox'), 'read-only');
  assert.equal(after(buildCodexCommand(base({ permissionMode: 'default', codexSandbox: 'danger-full-access' })).args, '--sandbox'), 'danger-full-access');
});

test('gemini: bypass → yolo; acceptEdits/auto → auto_edit; plan → plan; default → gemini default', () => {
  const mode = (permissionMode: string) => {
    const args = buildGeminiCommand(base({ provider: 'gemini', permissionMode })).args;
    return args.includes('--approval-mode') ? after(args, '--approval-mode') : null;
  };
  assert.equal(mode('bypassPermissions'), 'yolo');
  assert.equal(mode('acceptEdits'), 'auto_edit');
  assert.equal(mode('auto'), 'auto_edit');
  assert.equal(mode('plan'), 'plan');
  assert.equal(mode('default'), null);
});

test('claude approval summary: an edit names its file and size, a write its line count', () => {
  assert.equal(summarizeToolInput({ input: { file_path: '/w/a.ts', old_string: 'x\ny', new_string: 'x\ny\nz\nw' } }), '/w/a.ts (−2/+4 lines)');
  assert.equal(summarizeToolInput({ input: { file_path: '/w/b.md', content: 'one\ntwo\nthree\n' } }), '/w/b.md (3 lines)');
  assert.equal(summarizeToolInput({ input: { command: 'ls  -la' } }), 'ls -la');
});
