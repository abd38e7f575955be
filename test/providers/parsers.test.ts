import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fixtureFiles, parsedLines, rawLines, replay, replayFixture } from './replay.js';
import type { NormalizedEvent } from '../../src/workers/agent/providers/events.js';

const textOf = (events: NormalizedEvent[]) => events.flatMap((e) => (e.type === 'text_delta' ? [e.text] : [])).join('');
const sessionEvents = (events: NormalizedEvent[]) => events.flatMap((e) => (e.type === 'session' ? [e.sessionId] : []));

test('every claude transcript yields the final text, session id and usage its result line holds', () => {
  const files = fixtureFiles('claude');
  assert.ok(files.length >= 22);
  for (const file of files) {
    const raw = parsedLines(rawLines('claude', file));
    const { result, events } = replayFixture('claude', file);
    const resultLine = raw.filter((m) => m.type === 'result').at(-1);
    const firstSession = raw.find((m) => typeof m.session_id === 'string' && m.session_id !== '')?.session_id;
    if (firstSession !== undefined && !file.includes('resume-unknown')) {
      assert.equal(sessionEvents(events)[0], firstSession, `${file}: first session event`);
      assert.equal(result.sessionId, resultLine?.session_id ?? firstSession, `${file}: session id`);
    }
    if (resultLine === undefined) {
      assert.equal(result.isError, true, `${file}: no result line and no text is an error`);
      continue;
    }
    // A result without subtype/usage (hand-authored sample) counts as success with no tokens.
    const failed = resultLine.is_error === true || (resultLine.subtype ?? 'success') !== 'success';
    assert.equal(result.isError, failed, `${file}: isError`);
    // The answer is the streamed text when that ends with claude's final text (the result line
    // repeats only the last message), else the result line's text.
    if (failed) assert.equal(result.text, '', `${file}: text`);
    else assert.ok(result.text === resultLine.result || (result.text === textOf(events) && result.text.trimEnd().endsWith(String(resultLine.result).trim())), `${file}: text`);
    const input = resultLine.usage?.input_tokens ?? 0;
    const output = resultLine.usage?.output_tokens ?? 0;
    assert.equal(result.usage.inputTokens, input, `${file}: input tokens`);
    assert.equal(result.usage.outputTokens, output, `${file}: output tokens`);
    assert.equal(result.usage.totalTokens, input + output);
    assert.equal(result.costUsd, resultLine.total_cost_usd ?? 0, `${file}: cost`);
    if (!failed) {
      // The streamed deltas are the assistant text blocks, in order.
      const blocks = raw
        .filter((m) => m.type === 'assistant' && m.message?.model !== '<synthetic>')
        .flatMap((m) => m.message.content.filter((b: any) => b.type === 'text' && b.text !== '').map((b: any) => b.text));
      const usesPartials = raw.some((m) => m.type === 'stream_event');
      if (!usesPartials) assert.equal(textOf(events).replace(/\n\n/g, ''), blocks.join('').replace(/\n\n/g, ''), `${file}: streamed text`);
      assert.ok(textOf(events).length > 0, `${file}: some text streamed`);
    }
  }
});

test('claude: hand-checked outcomes of specific transcripts', () => {
  assert.equal(replayFixture('claude', 'claude-local-hello.jsonl').result.text, "Hello! I'm running against a local mock. How can I help?");
  const unicode = replayFixture('claude', 'claude-local-unicode.jsonl');
  assert.equal(textOf(unicode.events), unicode.result.text, 'partial-message deltas add up to the final text, without duplicates');
  const maxTurns = replayFixture('claude', 'claude-local-maxturns.jsonl').result;
  assert.equal(maxTurns.isError, true);
  assert.equal(maxTurns.errorMessage, 'Reached maximum number of turns (1)');
  const bash = replayFixture('claude', 'claude-local-bash.jsonl').events;
  assert.deepEqual(bash.filter((e) => e.type === 'tool_use').map((e) => e.type === 'tool_use' && e.toolName), ['Bash']);
  assert.equal(bash.filter((e) => e.type === 'tool_result').length, 1);
  const thinking = replayFixture('claude', 'claude-local-thinking.jsonl').events;
  assert.ok(thinking.some((e) => e.type === 'thinking' && e.text.length > 0));
  const overloaded = replayFixture('claude', 'claude-local-overloaded.jsonl').result;
  assert.equal(overloaded.isError, true);
  assert.equal(overloaded.authRequired, false);
  assert.ok(replayFixture('claude', 'claude-local-overloaded.jsonl').events.some((e) => e.type === 'status' && e.status === 'retrying'));
});

test('claude: "not logged in" and a rejected key tell the user which command logs in', () => {
  for (const file of ['claude-local-not-logged-in.jsonl', 'claude-gh-flywheel-not-logged-in.jsonl', 'claude-local-authfail.jsonl']) {
    const { result } = replayFixture('claude', file);
    assert.equal(result.isError, true, file);
    assert.equal(result.authRequired, true, file);
    assert.match(result.errorMessage ?? '', /`claude \/login`/, file);
    assert.doesNotMatch(result.errorMessage ?? '', /\n/, `${file}: one line`);
  }
});

test('claude: an approval control_request becomes an approval_request event', () => {
  const { events } = replayFixture('claude', 'claude-local-approval-allow.jsonl');
  const approval = events.find((e) => e.type === 'approval_request');
  assert.ok(approval && approval.type === 'approval_request');
  assert.equal(approval.requestId, 'ca4f94c7-15d4-4e0e-ab3f-0e5a7c37d7ec');
  assert.equal(approval.toolName, 'Bash');
  assert.equal(approval.summary, 'touch approved-by-user.txt');
});

test('every codex transcript yields the thread id, final message and usage it holds', () => {
  const files = fixtureFiles('codex');
  assert.ok(files.length >= 24);
  for (const file of files) {
    const raw = parsedLines(rawLines('codex', file));
    const { result, events } = replayFixture('codex', file);
    const thread = raw.find((m) => m.type === 'thread.started')?.thread_id;
    if (thread !== undefined) {
      assert.deepEqual(sessionEvents(events), [thread], `${file}: session event`);
      assert.equal(result.sessionId, thread, `${file}: session id`);
    }
    const usageLine = raw.filter((m) => m.type === 'turn.completed').at(-1);
    if (usageLine !== undefined) {
      assert.equal(result.usage.inputTokens, usageLine.usage.input_tokens, `${file}: input`);
      assert.equal(result.usage.outputTokens, usageLine.usage.output_tokens, `${file}: output`);
    }
    const lastTurnEnd = raw.filter((m) => m.type === 'turn.completed' || m.type === 'turn.failed').at(-1);
    assert.equal(result.isError, lastTurnEnd?.type !== 'turn.completed', `${file}: isError`);
    const messages = raw.filter((m) => m.type === 'item.completed' && m.item.type === 'agent_message').map((m) => m.item.text as string);
    if (!result.isError) {
      // The answer is the last agent message; narration before tool calls may be dropped, never invented.
      assert.ok(result.text.endsWith(messages.at(-1) ?? ''), `${file}: ends with the final message`);
      for (const part of result.text.split('\n')) assert.ok(messages.some((m) => m.includes(part)), `${file}: "${part}" comes from a message`);
      assert.equal(textOf(events), result.text, `${file}: streamed text equals final text`);
    }
    const toolIds = events.flatMap((e) => (e.type === 'tool_use' && e.toolId !== undefined ? [e.toolId] : []));
    assert.equal(new Set(toolIds).size, toolIds.length, `${file}: tools deduplicated by item id`);
  }
});

test('codex: narration before a tool call is dropped, the final message kept', () => {
  const { result } = replayFixture('codex', 'codex-local-commentary.jsonl');
  assert.equal(result.text, '`a.txt` contains a single line: `alpha`.');
  assert.equal(replayFixture('codex', 'codex-local-hello.jsonl').result.text, 'Hello! I am running against a local mock.');
  const all = replayFixture('codex', 'codex-gh-takopi-all-formats-authored.jsonl').events;
  const names = all.flatMap((e) => (e.type === 'tool_use' ? [e.toolName] : []));
  assert.deepEqual(names, ['TodoWrite', 'Bash', 'Bash', 'Edit', 'Edit', 'search_issues', 'search_issues', 'WebSearch']);
});

test('codex: <thinking> text is dropped and a tool item seen only as completed is reported once', () => {
  const { result, events } = replay('codex', [
    '{"type":"thread.started","thread_id":"t1"}',
    '{"type":"item.completed","item":{"id":"item_0","type":"agent_message","text":"<thinking>let me see</thinking>"}}',
    '{"type":"item.completed","item":{"id":"item_1","type":"file_change","changes":[{"path":"/a","kind":"add"}],"status":"completed"}}',
    '{"type":"item.completed","item":{"id":"item_1","type":"file_change","changes":[{"path":"/a","kind":"add"}],"status":"completed"}}',
    '{"type":"item.completed","item":{"id":"item_2","type":"agent_message","text":"done"}}',
    '{"type":"turn.completed","usage":{"input_tokens":3,"cached_input_tokens":0,"output_tokens":4}}',
  ]);
  assert.equal(result.text, 'done');
  assert.equal(events.filter((e) => e.type === 'tool_use').length, 1);
});

test('codex: 401 and a non-zero exit explain themselves in one line', () => {
  const auth = replayFixture('codex', 'codex-local-auth401.jsonl').result;
  assert.equal(auth.authRequired, true);
  assert.match(auth.errorMessage ?? '', /`codex login`/);
  const ctx = replayFixture('codex', 'codex-local-ctxfailed.jsonl').result;
  assert.equal(ctx.isError, true);
  assert.equal(ctx.authRequired, false);
  const notGit = replayFixture('codex', 'codex-local-not-a-git-repo.jsonl').result;
  assert.equal(notGit.isError, true);
  assert.equal(notGit.errorMessage, 'Not inside a trusted directory and --skip-git-repo-check was not specified.');
  const silent = replay('codex', [], { exitCode: 3, stderrTail: 'Reading prompt from stdin...\n' }).result;
  assert.equal(silent.errorMessage, '(no output)');
});

test('every gemini transcript yields the session id, concatenated deltas and usage it holds', () => {
  const files = fixtureFiles('gemini');
  assert.ok(files.length >= 17);
  for (const file of files) {
    const raw = parsedLines(rawLines('gemini', file));
    const { result, events } = replayFixture('gemini', file, file.includes('resume-unknown') ? '00000000-0000-4000-8000-000000000000' : undefined);
    const init = raw.find((m) => m.type === 'init');
    if (init !== undefined) assert.equal(result.sessionId, init.session_id, `${file}: session id`);
    // Assistant deltas in order; text blocks with a tool call between them are a blank line apart.
    let deltas = '';
    let toolSince = false;
    for (const m of raw) {
      if (m.type === 'tool_use' || m.type === 'tool_result') toolSince = true;
      if (m.type !== 'message' || m.role !== 'assistant' || m.content === '') continue;
      deltas += (deltas !== '' && toolSince ? '\n\n' : '') + m.content;
      toolSince = false;
    }
    const resultLine = raw.find((m) => m.type === 'result');
    if (resultLine !== undefined) {
      assert.equal(result.isError, resultLine.status === 'error', `${file}: isError`);
      assert.equal(result.usage.inputTokens, resultLine.stats.input_tokens, `${file}: input`);
      assert.equal(result.usage.outputTokens, resultLine.stats.output_tokens, `${file}: output`);
      assert.equal(result.text, deltas, `${file}: text`);
    } else {
      assert.equal(result.isError, true, `${file}: no result line with a failing exit`);
    }
    assert.equal(textOf(events), deltas, `${file}: streamed text`);
  }
  assert.equal(replayFixture('gemini', 'gemini-local-hello.jsonl').result.text.endsWith(' there! How can I help?'), true);
});

test('gemini: no auth (exit 41, stderr only) tells the user how to log in', () => {
  const { result } = replayFixture('gemini', 'gemini-local-no-auth.jsonl');
  assert.equal(result.authRequired, true);
  assert.match(result.errorMessage ?? '', /run `gemini`/);
});

test('gemini: a clean exit without a result line is an empty success; a failing one is an error', () => {
  const init = '{"type":"init","session_id":"s-1","model":"auto"}';
  assert.equal(replay('gemini', [init], { exitCode: 0 }).result.isError, false);
  const failed = replay('gemini', [init], { exitCode: 7 }).result;
  assert.equal(failed.isError, true);
  assert.equal(failed.errorMessage, 'gemini exited with code 7 without a result.');
  assert.equal(failed.sessionId, 's-1');
});

test('a resume id the CLI no longer knows is flagged stale for each CLI', () => {
  const id = '00000000-0000-4000-8000-000000000000';
  for (const [cli, file] of [
    ['claude', 'claude-authored-resume-unknown-session.jsonl'],
    ['codex', 'codex-authored-resume-unknown-session.jsonl'],
    ['gemini', 'gemini-local-resume-unknown-session.jsonl'],
  ] as const) {
    const stale = replayFixture(cli, file, id).result;
    assert.equal(stale.staleSession, true, cli);
    assert.equal(stale.sessionId, null, `${cli}: the stale id is not offered again`);
    assert.equal(replayFixture(cli, file).result.staleSession, false, `${cli}: without a resume id nothing is stale`);
  }
});

test('noise, unknown types and broken JSON are skipped with a debug note, never thrown', () => {
  const noise = ['not json', '{"type":', '[1,2]', 'null', '{"type":"brand_new_event"}', '   '];
  for (const cli of ['claude', 'codex', 'gemini'] as const) {
    const { events, debug } = replay(cli, noise);
    assert.deepEqual(events, [], cli);
    assert.ok(debug.length >= 4, `${cli}: noise reported at debug`);
  }
});
