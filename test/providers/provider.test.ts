import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runTurn, runTurnWithStaleRetry, startTurn, type NormalizedEvent, type TurnRequest } from '../../src/workers/agent/providers/provider.js';
import { waitFor } from '../helpers/wait-for.js';
import { fakeRun, isGone } from './fake-env.js';
import { parsedLines, rawLines } from './replay.js';

function request(over: Partial<TurnRequest> & Pick<TurnRequest, 'provider' | 'env'>): TurnRequest {
  return { prompt: 'hello', cwd: process.cwd(), permissionMode: 'bypassPermissions', cliParameters: [], timeoutMs: 30_000, ...over };
}

for (const [provider, transcript] of [
  ['claude', 'claude-local-fileops'],
  ['codex', 'codex-local-commentary'],
  ['gemini', 'gemini-local-shell'],
] as const) {
  test(`${provider}: a turn through the fake CLI on PATH streams events and returns the transcript's outcome`, async (t) => {
    const f = fakeRun(t);
    const events: NormalizedEvent[] = [];
    const result = await runTurn(request({ provider, env: f.env({ FAKE_CLI_TRANSCRIPT: transcript }) }), (e) => events.push(e));
    const raw = parsedLines(rawLines(provider, `${transcript}.jsonl`));
    const session = raw.find((m) => m.session_id ?? m.thread_id)!;
    assert.equal(result.reason, 'exit');
    assert.equal(result.isError, false);
    assert.equal(result.sessionId, session.session_id ?? session.thread_id);
    assert.equal(events[0]?.type, 'session', 'the session id is the first event');
    assert.ok(events.some((e) => e.type === 'tool_use'));
    assert.equal(events.at(-1)?.type, 'result');
    assert.ok(result.text.length > 0);
    const start = f.entries().find((e) => e.event === 'start')!;
    assert.equal(start.cwd, process.cwd());
    if (provider !== 'claude') assert.equal(f.entries().find((e) => e.event === 'stdin')?.stdin.startsWith('hello'), true, 'prompt on stdin');
    else assert.deepEqual(start.argv.slice(-2), ['--', 'hello']);
  });
}

test('garbage on stdout and chunks cut inside UTF-8 characters do not change the outcome', async (t) => {
  const f = fakeRun(t);
  const clean = await runTurn(request({ provider: 'gemini', env: f.env({ FAKE_CLI_TRANSCRIPT: 'gemini-local-unicode' }) }), () => {});
  const debug: string[] = [];
  const noisy = await runTurn(request({ provider: 'gemini', env: f.env({ FAKE_CLI_TRANSCRIPT: 'gemini-local-unicode', FAKE_CLI_MODE: 'garbage' }), debug: (m) => debug.push(m) }), () => {});
  assert.equal(noisy.text, clean.text);
  assert.match(noisy.text, /👩‍💻🧑🏽‍🚀 and flags 🇺🇦🇯🇵/u);
  assert.deepEqual(noisy.usage, clean.usage);
  assert.ok(debug.some((m) => m.includes('non-JSON')));
});

test('a CLI that exits without a result line, non-zero, gives an error result with its stderr', async (t) => {
  const f = fakeRun(t);
  const result = await runTurn(request({ provider: 'claude', env: f.env({ FAKE_CLI_TRANSCRIPT: 'claude-local-hello', FAKE_CLI_MODE: 'no-result,exit=2' }) }), () => {});
  assert.equal(result.isError, true);
  assert.equal(result.exitCode, 2);
  assert.equal(result.errorMessage, 'claude exited with code 2 without a result.');
  assert.equal(result.sessionId, parsedLines(rawLines('claude', 'claude-local-hello.jsonl'))[0]!.session_id, 'session kept for resume');
});

test('a killed CLI gives an error result naming the signal', async (t) => {
  const f = fakeRun(t);
  const result = await runTurn(request({ provider: 'codex', env: f.env({ FAKE_CLI_TRANSCRIPT: 'codex-local-longtext', FAKE_CLI_MODE: 'crash' }) }), () => {});
  assert.equal(result.isError, true);
  assert.equal(result.signal, 'SIGSEGV');
  assert.match(result.errorMessage ?? '', /SIGSEGV/);
});

test('timeout keeps the session id and says the session is kept; abort is not an error', async (t) => {
  const f = fakeRun(t);
  // 3 s: the fake CLI must have printed its session id before the deadline, even on a loaded machine.
  const timedOut = await runTurn(request({ provider: 'gemini', timeoutMs: 3_000, graceMs: 300, env: f.env({ FAKE_CLI_MODE: 'hang' }) }), () => {});
  assert.equal(timedOut.timedOut, true);
  assert.equal(timedOut.reason, 'timeout');
  assert.match(timedOut.errorMessage ?? '', /timed out after 3 s; the session is kept/);
  assert.ok(timedOut.sessionId !== null);

  const controller = new AbortController();
  const events: NormalizedEvent[] = [];
  const pending = runTurn(request({ provider: 'claude', graceMs: 300, env: f.env({ FAKE_CLI_MODE: 'spawn-child' }) }), (e) => events.push(e), controller.signal);
  const grandchild = await waitFor(() => f.entries().find((e) => e.event === 'grandchild')?.grandchild as number | undefined);
  await waitFor(() => events.some((e) => e.type === 'session'));
  controller.abort();
  const aborted = await pending;
  assert.equal(aborted.reason, 'aborted');
  assert.equal(aborted.aborted, true);
  assert.equal(aborted.isError, false);
  assert.ok(isGone(grandchild));
});

test('a missing CLI says how to install it', async (t) => {
  const f = fakeRun(t);
  const result = await runTurn(request({ provider: 'codex', binary: join(f.dir, 'no-such-codex'), env: f.env({}) }), () => {});
  assert.equal(result.reason, 'spawn');
  assert.match(result.errorMessage ?? '', /npm install -g @openai\/codex/);
});

for (const [provider, staleTranscript, freshTranscript] of [
  ['claude', 'claude-authored-resume-unknown-session', 'claude-local-hello'],
  ['codex', 'codex-authored-resume-unknown-session', 'codex-local-hello'],
  ['gemini', 'gemini-local-resume-unknown-session', 'gemini-local-hello'],
] as const) {
  test(`${provider}: a stale resume id starts a fresh session and tells the user`, async (t) => {
    const f = fakeRun(t);
    const events: NormalizedEvent[] = [];
    const env = f.env({ FAKE_CLI_TRANSCRIPT: freshTranscript, FAKE_CLI_RESUME_TRANSCRIPT: staleTranscript });
    const result = await runTurnWithStaleRetry(request({ provider, resumeSessionId: '00000000-0000-4000-8000-000000000000', env }), (e) => events.push(e), undefined, {
      appendSystemPrompt: 'fresh memory',
    });
    assert.equal(result.isError, false);
    assert.equal(result.staleSession, false);
    const notice = events.find((e) => e.type === 'notice');
    assert.ok(notice && notice.type === 'notice' && notice.code === 'session_reset');
    assert.equal(events.filter((e) => e.type === 'result').length, 1, 'only the fresh run reports a result');
    const starts = f.entries().filter((e) => e.event === 'start');
    assert.equal(starts.length, 2);
    const secondArgs = (starts[1]!.argv as string[]).join(' ');
    assert.doesNotMatch(secondArgs, /resume/);
    const fresh = parsedLines(rawLines(provider, `${freshTranscript}.jsonl`));
    assert.equal(result.sessionId, fresh.find((m) => m.session_id ?? m.thread_id)!.session_id ?? fresh[0]!.thread_id);
  });
}

test('claude approval round trip: the request becomes an event, allow goes back on stdin, the tool runs', async (t) => {
  const f = fakeRun(t);
  const events: NormalizedEvent[] = [];
  const turn = startTurn(request({ provider: 'claude', permissionMode: 'default', prompt: 'Create the marker file', env: f.env({ FAKE_CLI_TRANSCRIPT: 'claude-local-approval-allow' }) }), (e) => {
    events.push(e);
    if (e.type === 'approval_request') assert.equal(turn.answerApproval(e.requestId, 'allow'), true);
  });
  const result = await turn.result;
  assert.equal(result.isError, false);
  // The answer is what streamed: the narration before the tool, a blank line, the final message.
  assert.equal(result.text, "I'll create the marker file.\n\nDone — created `approved-by-user.txt`.");
  const entries = f.entries();
  assert.deepEqual(JSON.parse(entries.find((e) => e.event === 'stdin-line')!.line), { type: 'user', message: { role: 'user', content: 'Create the marker file' }, parent_tool_use_id: null, session_id: '' });
  const response = JSON.parse(entries.find((e) => e.event === 'control_response')!.line);
  assert.deepEqual(response, {
    type: 'control_response',
    response: { subtype: 'success', request_id: 'ca4f94c7-15d4-4e0e-ab3f-0e5a7c37d7ec', response: { behavior: 'allow', updatedInput: { command: 'touch approved-by-user.txt', description: 'Create marker file' } } },
  });
  assert.ok(entries.some((e) => e.event === 'stdin-closed'), 'stdin closed after the result so claude exits');
  assert.ok(events.some((e) => e.type === 'approval_resolved' && e.decision === 'allow' && !e.byTimeout));
  assert.equal(turn.answerApproval('ca4f94c7-15d4-4e0e-ab3f-0e5a7c37d7ec', 'deny'), false, 'a late second answer is refused');
});

test('claude approval: allow for this session adds a session rule and reports it', async (t) => {
  const f = fakeRun(t);
  const turn = startTurn(request({ provider: 'claude', permissionMode: 'default', env: f.env({ FAKE_CLI_TRANSCRIPT: 'claude-local-approval-allow' }) }), (e) => {
    if (e.type === 'approval_request') turn.answerApproval(e.requestId, 'allow_session');
  });
  const result = await turn.result;
  assert.deepEqual(result.sessionAllowedTools, ['Bash(touch approved-by-user.txt)']);
  const response = JSON.parse(f.entries().find((e) => e.event === 'control_response')!.line);
  assert.deepEqual(response.response.response.updatedPermissions, [
    { type: 'addRules', rules: [{ toolName: 'Bash', ruleContent: 'touch approved-by-user.txt' }], behavior: 'allow', destination: 'session' },
  ]);
});

test('claude approval: an unanswered request is denied after the approval timeout', async (t) => {
  const f = fakeRun(t);
  const events: NormalizedEvent[] = [];
  const result = await runTurn(
    request({ provider: 'claude', permissionMode: 'acceptEdits', approvalTimeoutMs: 1500, inactivityTimeoutMs: 1000, env: f.env({ FAKE_CLI_TRANSCRIPT: 'claude-local-approval-allow' }) }),
    (e) => events.push(e),
  );
  assert.ok(events.some((e) => e.type === 'approval_resolved' && e.decision === 'deny' && e.byTimeout));
  const response = JSON.parse(f.entries().find((e) => e.event === 'control_response')!.line);
  assert.equal(response.response.response.behavior, 'deny');
  assert.match(result.text, /^Tool denied: No answer from the user/);
  assert.equal(result.reason, 'exit', 'the inactivity deadline was held while the user was asked');
});

test('claude approval: deny is passed on with its message', async (t) => {
  const f = fakeRun(t);
  const turn = startTurn(request({ provider: 'claude', permissionMode: 'default', env: f.env({ FAKE_CLI_TRANSCRIPT: 'claude-local-approval-allow' }) }), (e) => {
    if (e.type === 'approval_request') turn.answerApproval(e.requestId, 'deny');
  });
  const result = await turn.result;
  assert.equal(result.text, 'Tool denied: The user denied this tool call.');
});

test('temp files for a big appended system prompt are removed after the run', async (t) => {
  const f = fakeRun(t);
  const tempDir = mkdtempSync(join(tmpdir(), 'ductor-tmp-'));
  t.after(() => rmSync(tempDir, { recursive: true, force: true }));
  await runTurn(request({ provider: 'claude', appendSystemPrompt: 'x'.repeat(100 * 1024), tempDir, env: f.env({}) }), () => {});
  const argv = f.entries().find((e) => e.event === 'start')!.argv as string[];
  const file = argv[argv.indexOf('--append-system-prompt-file') + 1]!;
  assert.ok(file.startsWith(tempDir));
  const { existsSync } = await import('node:fs');
  assert.equal(existsSync(file), false);
});
