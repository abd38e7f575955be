import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { buildClaudeCommand } from '../../src/workers/agent/providers/claude-command.js';
import { buildCodexCommand } from '../../src/workers/agent/providers/codex-command.js';
import { buildGeminiCommand } from '../../src/workers/agent/providers/gemini-command.js';
import type { TurnRequest } from '../../src/workers/agent/providers/turn-request.js';

const help = (cli: string) => readFileSync(new URL(`../fixtures/cli-help/${cli}.txt`, import.meta.url), 'utf8');

/** Flags claude accepts but does not list in --help"). */
const CLAUDE_HIDDEN = new Set(['--permission-prompt-tool', '--append-system-prompt-file']);

function flagsOf(args: string[]): string[] {
  const end = args.indexOf('--');
  return (end === -1 ? args : args.slice(0, end)).filter((a) => /^--?[a-zA-Z]/.test(a));
}

/** The help section of one codex subcommand: from its "Usage:" line to the next one. */
function codexSection(usage: string): string {
  const text = help('codex');
  const start = text.indexOf(`Usage: ${usage} [OPTIONS]`);
  assert.ok(start >= 0, usage);
  const next = text.indexOf('Usage: ', start + 10);
  return text.slice(start, next === -1 ? undefined : next);
}

function assertListed(flags: string[], text: string, what: string, hidden = new Set<string>()): void {
  for (const flag of flags) {
    if (hidden.has(flag)) continue;
    const listed = new RegExp(`(^|[\\s,])${flag.replace(/[-]/g, '\\-')}([\\s,=<\\[]|$)`, 'm').test(text);
    assert.ok(listed, `${what}: ${flag} is not in --help`);
  }
}

const full: TurnRequest = {
  provider: 'claude',
  prompt: 'p',
  cwd: '/w',
  model: 'm',
  reasoningEffort: 'high',
  appendSystemPrompt: 'a',
  allowedTools: ['Bash'],
  permissionMode: 'default',
  cliParameters: [],
  timeoutMs: 1,
  env: {},
};

test('every flag of our claude command lines is in claude --help (or a documented hidden flag)', () => {
  const args = [...buildClaudeCommand({ ...full, resumeSessionId: 's' }).args, ...buildClaudeCommand({ ...full, permissionMode: 'bypassPermissions' }).args];
  assertListed(flagsOf(args), help('claude'), 'claude', CLAUDE_HIDDEN);
});

test('every flag of our codex exec and exec resume command lines is in that subcommand\'s --help', () => {
  for (const mode of ['default', 'bypassPermissions']) {
    const fresh = buildCodexCommand({ ...full, provider: 'codex', permissionMode: mode, codexSandbox: 'workspace-write' }).args;
    assert.deepEqual(fresh.slice(0, 1), ['exec']);
    assertListed(flagsOf(fresh.slice(1)), codexSection('codex exec'), `codex exec (${mode})`);
    const resume = buildCodexCommand({ ...full, provider: 'codex', permissionMode: mode, resumeSessionId: 't' }).args;
    assert.deepEqual(resume.slice(0, 2), ['exec', 'resume']);
    assertListed(flagsOf(resume.slice(2)), codexSection('codex exec resume'), `codex exec resume (${mode})`);
  }
  // The check has teeth: flags that 0.169.0 dropped or never had on resume are caught.
  assert.throws(() => assertListed(['--full-auto'], codexSection('codex exec'), 'x'));
  assert.throws(() => assertListed(['--sandbox'], codexSection('codex exec resume'), 'x'));
});

test('every flag of our gemini command lines is in gemini --help', () => {
  const args = buildGeminiCommand({ ...full, provider: 'gemini', permissionMode: 'bypassPermissions', resumeSessionId: 's', appendSystemPrompt: '' }).args;
  assertListed(flagsOf(args), help('gemini'), 'gemini');
});
