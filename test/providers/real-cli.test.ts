// The real claude, codex and gemini CLIs (scripts/install-real-clis.sh) driven through our own
// command builders and parsers (runTurn / startTurn) against loopback model mocks: every flag we
// pass is accepted by the real binary, and what we parse is what the real binary printed.
// The three CLIs' suites run concurrently; inside a suite the tests run in order.
import { execFileSync } from 'node:child_process';
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { runTurn, runTurnWithStaleRetry, startTurn, type NormalizedEvent, type TurnRequest, type TurnResult } from '../../src/workers/agent/providers/provider.js';
import type { ProviderName } from '../../src/workers/agent/providers/events.js';
import { lastToolResult, startAnthropicMock, transcriptOf, type AnthropicMock, type AnthropicReply, type AnthropicRequest } from '../helpers/model-mock-anthropic.js';
import { assistantTexts, functionCallOutput, MOCK_USAGE, startOpenAiMock, userTexts, type OpenAiMock, type OpenAiReply, type OpenAiRequest } from '../helpers/model-mock-openai.js';
import { chatText, GEMINI_MOCK_USAGE, geminiChatRecords, writeGeminiResponses, type GeminiReply } from '../helpers/model-mock-gemini.js';
import { startEgressTrap, type EgressTrap } from '../helpers/model-mock-egress.js';
import { waitFor } from '../helpers/wait-for.js';
import { makeRealCliHome, prepareGeminiHome, processesLeftInHomes, realBinary, realCliHome, realCliSkipReason, removeRealCliHome, setEgressEnv, type RealCliHome } from './real-cli-env.js';

const skip = realCliSkipReason();
if (skip !== false) console.log(`# real-cli: skipped: ${skip}`);

const TEST_TIMEOUT_MS = 90_000;
const TURN_TIMEOUT_MS = 60_000;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const MADE_UP_ID = '00000000-0000-4000-8000-00000000dead';

function request(cli: ProviderName, h: RealCliHome, over: Partial<TurnRequest> & Pick<TurnRequest, 'prompt'>): TurnRequest {
  return {
    provider: cli,
    cwd: h.workspace,
    env: h.env,
    permissionMode: 'bypassPermissions',
    cliParameters: [],
    timeoutMs: TURN_TIMEOUT_MS,
    binary: realBinary(cli),
    ...over,
  };
}

type Run = { result: TurnResult; events: NormalizedEvent[] };

async function run(req: TurnRequest): Promise<Run> {
  const events: NormalizedEvent[] = [];
  const result = await runTurn(req, (e) => events.push(e));
  return { result, events };
}

/** A clean success: the CLI exited 0 on its own and we read a result from it. */
function assertSuccess(r: TurnResult, what: string): void {
  assert.equal(r.isError, false, `${what}: ${r.errorMessage ?? ''}\nstderr: ${r.stderrTail}`);
  assert.equal(r.reason, 'exit', what);
  assert.equal(r.exitCode, 0, what);
  assert.equal(r.staleSession, false, what);
  assert.equal(r.authRequired, false, what);
}

function assertFirstEventIsSession(events: NormalizedEvent[], sessionId: string | null): void {
  assert.deepEqual(events[0] && events[0].type === 'session' ? events[0].sessionId : null, sessionId, 'the session id is the first event');
  assert.equal(events.at(-1)?.type, 'result', 'the result is the last event');
}

function assertStaleThenFresh(events: NormalizedEvent[], result: TurnResult, cli: ProviderName): void {
  const notice = events.find((e) => e.type === 'notice');
  assert.ok(notice !== undefined && notice.type === 'notice' && notice.code === 'session_reset', `${cli}: the user is told the session was reset`);
  assert.match(notice.message, new RegExp(`previous ${cli} session could not be resumed`));
  assert.equal(events.filter((e) => e.type === 'result').length, 1, 'only the fresh run reports a result');
  assertSuccess(result, `${cli} fresh run after a stale id`);
  assert.match(result.sessionId ?? '', UUID);
  assert.notEqual(result.sessionId, MADE_UP_ID);
}

/**
 * Starts a turn, waits until `started` holds (the CLI is mid-turn), aborts it as /stop does, and
 * checks that the turn ends as aborted and that no process of the CLI's tree is left behind.
 */
async function abortMidTurn(req: TurnRequest, h: RealCliHome, started: (events: NormalizedEvent[]) => boolean): Promise<Run> {
  const controller = new AbortController();
  const events: NormalizedEvent[] = [];
  const pending = runTurn({ graceMs: 3_000, ...req }, (e) => events.push(e), controller.signal);
  await waitFor(() => started(events), { timeoutMs: TURN_TIMEOUT_MS, message: `${req.provider} to be mid-turn` });
  assert.ok(processesLeftInHomes([h.home]).length > 0, 'the CLI is running');
  controller.abort();
  const result = await pending;
  assert.equal(result.reason, 'aborted');
  assert.equal(result.aborted, true);
  assert.equal(result.isError, false, 'a stop is not an error');
  assert.match(result.sessionId ?? '', UUID, 'the session is kept for the next turn');
  await waitFor(() => processesLeftInHomes([h.home]).length === 0, { timeoutMs: 10_000, message: `${req.provider}'s process tree to end` });
  return { result, events };
}

describe('real CLIs against loopback model mocks', { skip, concurrency: true }, () => {
  let trap: EgressTrap;
  before(async () => {
    trap = await startEgressTrap();
    setEgressEnv(trap.env());
  });
  after(async () => {
    await trap.close();
    // Every run of every CLI went through the trap's proxy settings: none tried to leave the machine.
    assert.deepEqual(trap.attempts, [], 'no CLI reached for the network beyond its loopback model mock');
    // Nothing a real CLI started outlives its turn (the homes are removed by now; cwd links remain).
    let left: string[] = [];
    await waitFor(() => (left = processesLeftInHomes()).length === 0, { timeoutMs: 10_000, message: 'real CLI processes to end' }).catch(() => {
      assert.deepEqual(left, [], 'no real CLI process outlives its turn');
    });
  });

  describe('claude', { concurrency: 1 }, () => {
    const SYSTEM_APPEND = 'DUCTOR-APPENDED-SYSTEM-PROMPT';
    /** Scripted by prompt: a tool result is always answered with text quoting it. */
    function claudeModel(req: AnthropicRequest): AnthropicReply {
      const lines = transcriptOf(req.body);
      const said = lines.filter((l) => l.startsWith('user: ') && !l.includes('[tool_result]')).at(-1) ?? '';
      const toolResult = lastToolResult(req.body);
      if (said.includes('twice')) {
        // The same command until it ran twice since this prompt, then text counting all runs.
        const sincePrompt = lines.slice(lines.lastIndexOf(said));
        const ranNow = sincePrompt.filter((l) => l.includes('[tool_result] again-and-again')).length;
        const ranAll = lines.filter((l) => l.includes('[tool_result] again-and-again')).length;
        if (ranNow >= 2) return { kind: 'text', text: `ran ${ranAll} times` };
        // No file write: claude's path check (default mode) would ask again whatever the rule says.
        return { kind: 'tool_use', name: 'Bash', input: { command: `node -e "console.log('again-and-again')"`, description: 'repeat' } };
      }
      if (toolResult !== null) return { kind: 'text', text: `${toolResult.isError ? 'tool failed' : 'tool said'}: ${toolResult.content.trim()}` };
      if (said.includes('please list')) return { kind: 'tool_use', name: 'Bash', input: { command: 'echo listed-by-bash', description: 'echo' }, text: 'Let me look.' };
      if (said.includes('please touch')) return { kind: 'tool_use', name: 'Bash', input: { command: 'touch approved.txt && echo touched-after-approval', description: 'make a file' } };
      if (said.includes('second question')) return { kind: 'text', text: 'Second answer.' };
      if (said.includes('hang')) return { kind: 'hang' };
      return { kind: 'text', text: 'First answer from the mock.' };
    }
    let mock: AnthropicMock;
    /** The home the first turn and its resume share (the session is stored there). */
    let shared: RealCliHome;
    let first: TurnResult | undefined;
    before(async () => {
      mock = await startAnthropicMock({ agent: claudeModel });
      shared = makeRealCliHome('claude', mock.url);
    });
    after(async () => {
      await mock.close();
      removeRealCliHome(shared);
    });

    test('one turn: final text, session id and usage come back; flags reach the model', { timeout: TEST_TIMEOUT_MS }, async () => {
      const sentBefore = mock.agentRequests().length;
      const { result, events } = await run(request('claude', shared, { prompt: 'first question', model: 'claude-sonnet-4-5-20250929', appendSystemPrompt: SYSTEM_APPEND }));
      assertSuccess(result, 'claude turn');
      assert.equal(result.text, 'First answer from the mock.');
      assert.match(result.sessionId ?? '', UUID);
      assertFirstEventIsSession(events, result.sessionId);
      assert.equal(events.filter((e) => e.type === 'text_delta').map((e) => (e.type === 'text_delta' ? e.text : '')).join(''), result.text);
      assert.equal(result.usage.inputTokens, 120);
      assert.equal(result.usage.outputTokens, 21);
      assert.equal(result.usage.totalTokens, 141);
      assert.ok(result.costUsd > 0, 'claude prices the mock usage itself');
      assert.equal(result.numTurns, 1);
      const sent = mock.agentRequests().slice(sentBefore);
      assert.equal(sent.length, 1);
      assert.equal(sent[0]!.body?.model, 'claude-sonnet-4-5-20250929', '--model');
      assert.ok(JSON.stringify(sent[0]!.body?.system).includes(SYSTEM_APPEND), '--append-system-prompt reaches the system prompt');
      assert.equal(sent[0]!.headers['x-api-key'], 'sk-ant-ductor-mock');
      first = result;
    });

    test('resume: the second turn carries the first one to the model, same session id', { timeout: TEST_TIMEOUT_MS }, async () => {
      assert.ok(first?.sessionId, 'needs the first turn');
      const sentBefore = mock.agentRequests().length;
      const { result, events } = await run(request('claude', shared, { prompt: 'second question', resumeSessionId: first.sessionId, model: 'claude-sonnet-4-5-20250929' }));
      assertSuccess(result, 'claude resume');
      assert.equal(result.text, 'Second answer.');
      assert.equal(result.sessionId, first.sessionId, 'a resumed claude session keeps its id');
      assertFirstEventIsSession(events, first.sessionId);
      const history = transcriptOf(mock.agentRequests().slice(sentBefore)[0]!.body);
      const tail = history.filter((l) => !l.includes('<system-reminder>')).slice(-3);
      assert.deepEqual(tail, ['user: first question', 'assistant: First answer from the mock.', 'user: second question']);
    });

    test('stale resume id: the real claude says so, we flag it and start fresh with a notice', { timeout: TEST_TIMEOUT_MS }, async (t) => {
      const h = realCliHome(t, 'claude', mock.url);
      const stale = await run(request('claude', h, { prompt: 'first question', resumeSessionId: MADE_UP_ID }));
      assert.equal(stale.result.isError, true);
      assert.equal(stale.result.staleSession, true);
      assert.equal(stale.result.exitCode, 1);
      assert.equal(stale.result.sessionId, null, 'the stale id is not offered again');
      assert.match(stale.result.errorMessage ?? '', /No conversation found with session ID/);
      // Real 2.1.197 behaviour: its error result line names the requested id as session_id.
      assert.deepEqual(stale.events.filter((e) => e.type === 'session').map((e) => (e.type === 'session' ? e.sessionId : '')), [MADE_UP_ID]);

      const events: NormalizedEvent[] = [];
      const result = await runTurnWithStaleRetry(request('claude', h, { prompt: 'first question', resumeSessionId: MADE_UP_ID }), (e) => events.push(e));
      assertStaleThenFresh(events, result, 'claude');
      assert.equal(result.text, 'First answer from the mock.');
    });

    test('tool call in bypassPermissions: tool_use and tool_result events, then the final text', { timeout: TEST_TIMEOUT_MS }, async (t) => {
      const h = realCliHome(t, 'claude', mock.url);
      const { result, events } = await run(request('claude', h, { prompt: 'please list' }));
      assertSuccess(result, 'claude tool turn');
      const use = events.find((e) => e.type === 'tool_use');
      assert.ok(use?.type === 'tool_use');
      assert.equal(use.toolName, 'Bash');
      const done = events.find((e) => e.type === 'tool_result');
      assert.ok(done?.type === 'tool_result');
      assert.equal(done.toolId, use.toolId);
      assert.equal(done.status, 'success');
      assert.match(done.output, /listed-by-bash/);
      // The narration before the tool streamed first; the answer is the streamed text.
      assert.equal(result.text, 'Let me look.\n\ntool said: listed-by-bash');
      assert.equal(events.filter((e) => e.type === 'text_delta').map((e) => (e.type === 'text_delta' ? e.text : '')).join(''), result.text);
      assert.equal(result.numTurns, 2);
    });

    test('approval round trip over --permission-prompt-tool stdio: allow runs the tool', { timeout: TEST_TIMEOUT_MS }, async (t) => {
      const h = realCliHome(t, 'claude', mock.url);
      const events: NormalizedEvent[] = [];
      const answered: boolean[] = [];
      const turn = startTurn(request('claude', h, { prompt: 'please touch', permissionMode: 'default', approvals: true, approvalTimeoutMs: 30_000 }), (e) => {
        events.push(e);
        if (e.type === 'approval_request') answered.push(turn.answerApproval(e.requestId, 'allow'));
      });
      const result = await turn.result;
      assertSuccess(result, 'claude approval allow');
      const asked = events.find((e) => e.type === 'approval_request');
      assert.ok(asked?.type === 'approval_request', 'the real claude asked for permission');
      assert.equal(asked.toolName, 'Bash');
      assert.match(asked.summary, /touch approved\.txt/);
      assert.deepEqual(answered, [true]);
      const resolved = events.find((e) => e.type === 'approval_resolved');
      assert.ok(resolved?.type === 'approval_resolved');
      assert.equal(resolved.decision, 'allow');
      assert.equal(resolved.byTimeout, false);
      assert.ok(events.indexOf(resolved) < events.findIndex((e) => e.type === 'tool_result'), 'the tool ran after the answer');
      assert.ok(existsSync(join(h.workspace, 'approved.txt')), 'the allowed tool really ran in the workspace');
      assert.equal(result.text, 'tool said: touched-after-approval');
    });

    test('approval allow_session: the same call is not asked again, and the rule carries to the next turn', { timeout: TEST_TIMEOUT_MS }, async (t) => {
      const h = realCliHome(t, 'claude', mock.url);
      const asked: string[] = [];
      const turn = startTurn(request('claude', h, { prompt: 'twice', permissionMode: 'default', approvals: true, approvalTimeoutMs: 30_000 }), (e) => {
        if (e.type !== 'approval_request') return;
        asked.push(e.toolName);
        turn.answerApproval(e.requestId, 'allow_session');
      });
      const result = await turn.result;
      assertSuccess(result, 'claude allow_session');
      assert.equal(result.text, 'ran 2 times');
      assert.deepEqual(asked, ['Bash'], 'asked once for two identical calls');
      assert.ok(result.sessionAllowedTools.length > 0 && result.sessionAllowedTools.every((r) => r.startsWith('Bash')), JSON.stringify(result.sessionAllowedTools));

      // Next turn: the rules go in as --allowedTools; the real claude runs the tool without asking.
      const events: NormalizedEvent[] = [];
      const next = await runTurn(
        request('claude', h, { prompt: 'twice more', permissionMode: 'default', approvals: true, approvalTimeoutMs: 30_000, resumeSessionId: result.sessionId!, allowedTools: result.sessionAllowedTools }),
        (e) => events.push(e),
      );
      assertSuccess(next, 'claude turn with session rules');
      assert.equal(events.filter((e) => e.type === 'approval_request').length, 0, 'no question this time');
      assert.equal(next.text, 'ran 4 times');
    });

    test('a prompt and a system append too big for argv go via stdin and --append-system-prompt-file', { timeout: TEST_TIMEOUT_MS }, async (t) => {
      const h = realCliHome(t, 'claude', mock.url);
      const before = mock.agentRequests().length;
      const bigPrompt = `first question ${'p'.repeat(100 * 1024)} END-OF-PROMPT`;
      const bigAppend = `${SYSTEM_APPEND} ${'s'.repeat(100 * 1024)} END-OF-APPEND`;
      const { result } = await run(request('claude', h, { prompt: bigPrompt, appendSystemPrompt: bigAppend, tempDir: join(h.home, 'tmp') }));
      assertSuccess(result, 'claude big prompt');
      assert.equal(result.text, 'First answer from the mock.');
      const body = mock.agentRequests().slice(before)[0]!.body;
      assert.ok(transcriptOf(body).some((l) => l.includes('END-OF-PROMPT') && l.length > 100 * 1024), 'the whole prompt arrived');
      assert.ok(JSON.stringify(body?.system).includes('END-OF-APPEND'), 'the whole append arrived');
      assert.deepEqual(readdirSync(join(h.home, 'tmp')).filter((f) => f.startsWith('claude_append_')), [], 'the append file is removed after the turn');
    });

    test('abort mid-turn (model still streaming): claude ends, nothing is left running', { timeout: TEST_TIMEOUT_MS }, async (t) => {
      const h = realCliHome(t, 'claude', mock.url);
      const before = mock.agentRequests().length;
      await abortMidTurn(request('claude', h, { prompt: 'hang please' }), h, () => mock.agentRequests().length > before);
    });

    test('approval round trip: deny keeps the tool from running and the model is told', { timeout: TEST_TIMEOUT_MS }, async (t) => {
      const h = realCliHome(t, 'claude', mock.url);
      const events: NormalizedEvent[] = [];
      const turn = startTurn(request('claude', h, { prompt: 'please touch', permissionMode: 'default', approvals: true, approvalTimeoutMs: 30_000 }), (e) => {
        events.push(e);
        if (e.type === 'approval_request') turn.answerApproval(e.requestId, 'deny');
      });
      const result = await turn.result;
      assertSuccess(result, 'claude approval deny');
      assert.ok(!existsSync(join(h.workspace, 'approved.txt')), 'the denied tool did not run');
      const done = events.find((e) => e.type === 'tool_result');
      assert.ok(done?.type === 'tool_result');
      assert.equal(done.status, 'error');
      assert.match(result.text, /^tool failed: /);
    });
  });

  describe('codex', { concurrency: 1 }, () => {
    function codexModel(req: OpenAiRequest): OpenAiReply {
      const output = functionCallOutput(req.body);
      if (output !== null) return { kind: 'text', text: `tool said: ${/from-the-shell/.test(output) ? 'from-the-shell' : output}` };
      const said = userTexts(req.body).at(-1) ?? '';
      if (said.includes('please run')) return { kind: 'function_call', name: 'exec_command', arguments: { cmd: 'echo from-the-shell' } };
      if (said.includes('second question')) return { kind: 'text', text: 'Second answer.' };
      if (said.includes('hang')) return { kind: 'hang' };
      return { kind: 'text', text: 'First answer from the mock.', reasoning: '**Answering**' };
    }
    let mock: OpenAiMock;
    let shared: RealCliHome;
    let first: { result: TurnResult; home: RealCliHome } | undefined;
    before(async () => {
      mock = await startOpenAiMock({ reply: codexModel });
      shared = makeRealCliHome('codex', mock.baseUrl);
    });
    after(async () => {
      await mock.close();
      removeRealCliHome(shared);
    });

    test('one turn (workspace-write sandbox, effort, model): final text, thread id and usage come back', { timeout: TEST_TIMEOUT_MS }, async () => {
      const h = shared;
      const sentBefore = mock.responseRequests().length;
      const { result, events } = await run(request('codex', h, { prompt: 'first question', model: 'gpt-5.5', reasoningEffort: 'low', permissionMode: 'default', codexSandbox: 'workspace-write' }));
      assertSuccess(result, 'codex turn');
      assert.equal(result.text, 'First answer from the mock.');
      assert.match(result.sessionId ?? '', UUID);
      assertFirstEventIsSession(events, result.sessionId);
      assert.deepEqual(result.usage, { inputTokens: MOCK_USAGE.input, outputTokens: MOCK_USAGE.output, totalTokens: MOCK_USAGE.input + MOCK_USAGE.output, cachedInputTokens: 0 });
      assert.ok(events.some((e) => e.type === 'thinking'), 'the reasoning summary arrives as thinking');
      const sent = mock.responseRequests().slice(sentBefore);
      assert.equal(sent.length, 1);
      assert.equal(sent[0]!.body?.model, 'gpt-5.5');
      assert.equal((sent[0]!.body as { reasoning?: { effort?: string } }).reasoning?.effort, 'low', '-c model_reasoning_effort');
      assert.equal(userTexts(sent[0]!.body).at(-1), 'first question', 'the prompt went in on stdin');
      first = { result, home: h };
    });

    test('resume: `exec resume <thread>` carries the first turn to the model, same thread id', { timeout: TEST_TIMEOUT_MS }, async () => {
      assert.ok(first?.result.sessionId, 'needs the first turn');
      const sentBefore = mock.responseRequests().length;
      const { result, events } = await run(request('codex', first.home, { prompt: 'second question', resumeSessionId: first.result.sessionId, model: 'gpt-5.5', permissionMode: 'default', codexSandbox: 'workspace-write' }));
      assertSuccess(result, 'codex resume');
      assert.equal(result.text, 'Second answer.');
      assert.equal(result.sessionId, first.result.sessionId, 'a resumed codex thread keeps its id');
      assertFirstEventIsSession(events, first.result.sessionId);
      const body = mock.responseRequests().slice(sentBefore)[0]!.body;
      assert.deepEqual(userTexts(body).slice(-2), ['first question', 'second question']);
      assert.deepEqual(assistantTexts(body), ['First answer from the mock.']);
      // codex 0.169 reports the thread's cumulative usage on a resumed turn.
      assert.equal(result.usage.inputTokens, 2 * MOCK_USAGE.input);
    });

    test('stale resume id: empty stdout and exit 1 from the real codex; flagged stale, fresh run with a notice', { timeout: TEST_TIMEOUT_MS }, async (t) => {
      const h = realCliHome(t, 'codex', mock.baseUrl);
      const stale = await run(request('codex', h, { prompt: 'first question', resumeSessionId: MADE_UP_ID, model: 'gpt-5.5' }));
      assert.equal(stale.result.isError, true);
      assert.equal(stale.result.staleSession, true);
      assert.equal(stale.result.exitCode, 1);
      assert.equal(stale.result.sessionId, null);
      assert.deepEqual(stale.events.map((e) => e.type), ['result'], 'nothing on stdout');
      assert.match(stale.result.errorMessage ?? '', /^Error: thread\/resume: thread\/resume failed: no rollout found for thread id/);

      const events: NormalizedEvent[] = [];
      const result = await runTurnWithStaleRetry(request('codex', h, { prompt: 'first question', resumeSessionId: MADE_UP_ID, model: 'gpt-5.5' }), (e) => events.push(e));
      assertStaleThenFresh(events, result, 'codex');
      assert.equal(result.text, 'First answer from the mock.');
    });

    test('abort mid-turn (model still streaming): the launcher and the native codex end together', { timeout: TEST_TIMEOUT_MS }, async (t) => {
      const h = realCliHome(t, 'codex', mock.baseUrl);
      const before = mock.responseRequests().length;
      await abortMidTurn(request('codex', h, { prompt: 'hang please', model: 'gpt-5.5' }), h, () => mock.responseRequests().length > before);
    });

    test('tool call without sandbox (bypassPermissions): command events, then the final text', { timeout: TEST_TIMEOUT_MS }, async (t) => {
      const h = realCliHome(t, 'codex', mock.baseUrl);
      const { result, events } = await run(request('codex', h, { prompt: 'please run', model: 'gpt-5.5' }));
      assertSuccess(result, 'codex tool turn');
      const use = events.find((e) => e.type === 'tool_use');
      assert.ok(use?.type === 'tool_use');
      assert.equal(use.toolName, 'Bash');
      assert.match(JSON.stringify(use.parameters), /echo from-the-shell/);
      const done = events.find((e) => e.type === 'tool_result');
      assert.ok(done?.type === 'tool_result');
      assert.equal(done.status, 'success');
      assert.equal(done.output.trim(), 'from-the-shell');
      assert.equal(result.text, 'tool said: from-the-shell');
    });
  });

  describe('gemini', { concurrency: 1 }, () => {
    const MODEL = 'gemini-2.5-flash';
    let shared: RealCliHome;
    let first: { result: TurnResult; home: RealCliHome } | undefined;
    before(async () => {
      shared = makeRealCliHome('gemini');
      await prepareGeminiHome(shared.home);
    });
    after(() => removeRealCliHome(shared));

    async function geminiRequest(h: RealCliHome, name: string, replies: GeminiReply[], over: Partial<TurnRequest> & Pick<TurnRequest, 'prompt'>): Promise<TurnRequest> {
      const file = await writeGeminiResponses(join(h.home, 'model'), name, replies);
      return request('gemini', h, { model: MODEL, cliParameters: ['--fake-responses-non-strict', file], ...over });
    }

    test('one turn: concatenated deltas, session id and usage come back', { timeout: TEST_TIMEOUT_MS }, async () => {
      const h = shared;
      const req = await geminiRequest(h, 'turn1', [{ kind: 'text', chunks: ['First answer ', 'from the mock.'] }], { prompt: 'first question' });
      const { result, events } = await run(req);
      assertSuccess(result, 'gemini turn');
      assert.equal(result.text, 'First answer from the mock.');
      assert.equal(events.filter((e) => e.type === 'text_delta').length, 2, 'assistant text arrives as deltas');
      assert.match(result.sessionId ?? '', UUID);
      assertFirstEventIsSession(events, result.sessionId);
      const init = events[0];
      assert.equal(init?.type === 'session' ? init.model : undefined, MODEL, '--model');
      assert.deepEqual(result.usage, { inputTokens: GEMINI_MOCK_USAGE.prompt, outputTokens: GEMINI_MOCK_USAGE.candidates, totalTokens: GEMINI_MOCK_USAGE.prompt + GEMINI_MOCK_USAGE.candidates, cachedInputTokens: 0 });
      first = { result, home: h };
    });

    test('resume: --resume <uuid> continues the recorded chat under the same session id', { timeout: TEST_TIMEOUT_MS }, async () => {
      assert.ok(first?.result.sessionId, 'needs the first turn');
      const req = await geminiRequest(first.home, 'turn2', [{ kind: 'text', chunks: ['Second answer.'] }], { prompt: 'second question', resumeSessionId: first.result.sessionId });
      const { result, events } = await run(req);
      assertSuccess(result, 'gemini resume');
      assert.equal(result.text, 'Second answer.');
      assert.equal(result.sessionId, first.result.sessionId, 'a resumed gemini session keeps its id');
      assertFirstEventIsSession(events, first.result.sessionId);
      // The fake-responses generator does not expose requests; gemini's own chat recording shows the
      // resumed run continued the first conversation (the history it sends the model is this record).
      const chats = (await geminiChatRecords(first.home.home)).filter((c) => c.sessionId === first!.result.sessionId);
      assert.ok(chats.length >= 1, 'a recorded chat for the session');
      // Resuming a chat kept as .json, gemini continues it in a .jsonl copy and leaves the .json
      // behind (gemini-cli 0.61, in some runs): the longest record is the live one.
      const chat = chats.reduce((a, b) => (b.messages.length > a.messages.length ? b : a));
      const lines = chat.messages.filter((m) => m.type === 'user' || m.type === 'gemini').map((m) => `${m.type}: ${chatText(m).trim()}`);
      assert.deepEqual(lines, ['user: first question', 'gemini: First answer from the mock.', 'user: second question', 'gemini: Second answer.']);
    });

    test('stale resume id: exit 42 from the real gemini; flagged stale, fresh run with a notice', { timeout: TEST_TIMEOUT_MS }, async (t) => {
      const h = realCliHome(t, 'gemini');
      await prepareGeminiHome(h.home);
      const stale = await run(await geminiRequest(h, 'stale', [{ kind: 'text', chunks: ['unused'] }], { prompt: 'first question', resumeSessionId: MADE_UP_ID }));
      assert.equal(stale.result.isError, true);
      assert.equal(stale.result.staleSession, true);
      assert.equal(stale.result.exitCode, 42);
      assert.equal(stale.result.sessionId, null);
      assert.deepEqual(stale.events.map((e) => e.type), ['result'], 'nothing on stdout');
      // Real 0.61.0 wording depends on the project: no chat recorded yet vs. an unknown id among others.
      assert.match(stale.result.errorMessage ?? '', /Error resuming session: No previous sessions found for this project/);
      const staleAmongOthers = await run(await geminiRequest(shared, 'stale2', [{ kind: 'text', chunks: ['unused'] }], { prompt: 'x', resumeSessionId: MADE_UP_ID }));
      assert.equal(staleAmongOthers.result.staleSession, true);
      assert.equal(staleAmongOthers.result.exitCode, 42);
      assert.match(staleAmongOthers.result.errorMessage ?? '', /Error resuming session: Invalid session identifier/);

      const events: NormalizedEvent[] = [];
      const req = await geminiRequest(h, 'fresh', [{ kind: 'text', chunks: ['Fresh answer.'] }], { prompt: 'first question', resumeSessionId: MADE_UP_ID });
      const result = await runTurnWithStaleRetry(req, (e) => events.push(e));
      assertStaleThenFresh(events, result, 'gemini');
      assert.equal(result.text, 'Fresh answer.');
    });

    test('abort while a shell tool runs: gemini and the tool\'s process end together', { timeout: TEST_TIMEOUT_MS }, async (t) => {
      const h = realCliHome(t, 'gemini');
      await prepareGeminiHome(h.home);
      const req = await geminiRequest(h, 'abort', [{ kind: 'function_call', name: 'run_shell_command', args: { command: 'sleep 120' } }, { kind: 'text', chunks: ['unreached'] }], { prompt: 'please wait' });
      const { events } = await abortMidTurn(req, h, (seen) => seen.some((e) => e.type === 'tool_use') && processesLeftInHomes([h.home]).some((p) => / sleep 120$/.test(p) || p.endsWith('sleep 120')));
      assert.equal(events.filter((e) => e.type === 'tool_result').length, 0, 'the tool never finished');
    });

    test('tool call in yolo mode: run_shell_command events, then the final text', { timeout: TEST_TIMEOUT_MS }, async (t) => {
      const h = realCliHome(t, 'gemini');
      await prepareGeminiHome(h.home);
      const req = await geminiRequest(
        h,
        'tool',
        [
          { kind: 'function_call', name: 'run_shell_command', args: { command: 'echo from-the-shell' } },
          { kind: 'text', chunks: ['The shell said ', 'from-the-shell.'] },
        ],
        { prompt: 'please run' },
      );
      const { result, events } = await run(req);
      assertSuccess(result, 'gemini tool turn');
      const use = events.find((e) => e.type === 'tool_use');
      assert.ok(use?.type === 'tool_use');
      assert.equal(use.toolName, 'run_shell_command');
      const done = events.find((e) => e.type === 'tool_result');
      assert.ok(done?.type === 'tool_result');
      assert.equal(done.toolId, use.toolId);
      assert.equal(done.status, 'success');
      assert.equal(done.output.trim(), 'from-the-shell');
      assert.equal(result.text, 'The shell said from-the-shell.');
      // Two model calls, each with the mock's usage.
      assert.equal(result.usage.inputTokens, 2 * GEMINI_MOCK_USAGE.prompt);
    });
  });
});

// The binaries really are the pinned ones (a stale .cache would test something else).
describe('real CLI install', { skip }, () => {
  test('the pinned versions are installed', () => {
    const root = new URL('../../.cache/real-clis/node_modules/', import.meta.url).pathname;
    const version = (pkg: string): string => (JSON.parse(readFileSync(join(root, pkg, 'package.json'), 'utf8')) as { version: string }).version;
    // The pins live in one place (Dockerfile.sandbox's ARG lines); the install script prints them.
    const printed = execFileSync('bash', [new URL('../../scripts/install-real-clis.sh', import.meta.url).pathname, '--print-versions'], { encoding: 'utf8' });
    const pinned = (cli: string): string => new RegExp(`^${cli} (\\S+)$`, 'm').exec(printed)?.[1] ?? '';
    assert.equal(version('@anthropic-ai/claude-code'), pinned('claude'));
    assert.equal(version('@openai/codex'), pinned('codex'));
    assert.equal(version('@google/gemini-cli'), pinned('gemini'));
  });
});
