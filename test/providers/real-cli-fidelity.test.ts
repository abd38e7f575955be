// The real claude, codex and gemini CLIs against the loopback model mocks, for what the user ends
// up reading: the final answer (never lost, never doubled) and the error texts.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { runTurn, type NormalizedEvent, type TurnRequest, type TurnResult } from '../../src/workers/agent/providers/provider.js';
import type { ProviderName } from '../../src/workers/agent/providers/events.js';
import { functionCallOutput, startOpenAiMock, userTexts, type OpenAiMock, type OpenAiReply, type OpenAiRequest } from '../helpers/model-mock-openai.js';
import { startGeminiErrorMock, writeGeminiResponses } from '../helpers/model-mock-gemini.js';
import { startAnthropicMock, type AnthropicMock } from '../helpers/model-mock-anthropic.js';
import { waitFor } from '../helpers/wait-for.js';
import { join } from 'node:path';
import { readdirSync } from 'node:fs';
import { startEgressTrap, type EgressTrap } from '../helpers/model-mock-egress.js';
import { makeRealCliHome, prepareGeminiHome, realBinary, realCliSkipReason, removeRealCliHome, setEgressEnv, type RealCliHome } from './real-cli-env.js';

const skip = realCliSkipReason();
const TEST_TIMEOUT_MS = 90_000;
const TURN_TIMEOUT_MS = 60_000;

function request(cli: ProviderName, h: RealCliHome, over: Partial<TurnRequest> & Pick<TurnRequest, 'prompt'>): TurnRequest {
  return { provider: cli, cwd: h.workspace, env: h.env, permissionMode: 'bypassPermissions', cliParameters: [], timeoutMs: TURN_TIMEOUT_MS, binary: realBinary(cli), ...over };
}

async function run(req: TurnRequest): Promise<{ result: TurnResult; events: NormalizedEvent[] }> {
  const events: NormalizedEvent[] = [];
  const result = await runTurn(req, (e) => events.push(e));
  return { result, events };
}

/** Every file below `dir` (none when it does not exist). */
function filesUnder(dir: string): string[] {
  try {
    return readdirSync(dir, { recursive: true, withFileTypes: true }).filter((e) => e.isFile()).map((e) => join(e.parentPath ?? e.path, e.name));
  } catch {
    return [];
  }
}

const streamedText = (events: NormalizedEvent[]) => events.flatMap((e) => (e.type === 'text_delta' ? [e.text] : [])).join('');

describe('real CLIs: answers and errors as the user reads them', { skip, concurrency: true }, () => {
  let trap: EgressTrap;
  before(async () => {
    trap = await startEgressTrap();
    setEgressEnv(trap.env());
  });
  after(async () => {
    await trap.close();
    assert.deepEqual(trap.attempts, [], 'no CLI reached beyond its loopback model mock');
  });

  describe('codex', { concurrency: 1 }, () => {
    function codexModel(req: OpenAiRequest): OpenAiReply {
      const said = userTexts(req.body).at(-1) ?? '';
      const ran = functionCallOutput(req.body) !== null;
      if (said.includes('answer then tool')) {
        // The answer comes with a tool call; after the tool the model says nothing more.
        return ran ? { kind: 'items', items: [] } : { kind: 'items', items: [{ type: 'message', text: 'Done: the answer is 42.' }, { type: 'function_call', name: 'exec_command', arguments: { cmd: 'echo cleanup' } }] };
      }
      if (said.includes('one-shot')) return { kind: 'text', text: 'Cron says hi.' };
      if (said.includes('bad request')) return { kind: 'error', status: 400, message: 'Invalid value for model: bogus', code: 'invalid_value' };
      if (said.includes('hang')) return { kind: 'hang' };
      return { kind: 'text', text: 'unused' };
    }
    let mock: OpenAiMock;
    const homes: RealCliHome[] = [];
    const home = (): RealCliHome => {
      const h = makeRealCliHome('codex', mock.baseUrl);
      homes.push(h);
      return h;
    };
    before(async () => {
      mock = await startOpenAiMock({ reply: codexModel });
    });
    after(async () => {
      await mock.close();
      for (const h of homes) removeRealCliHome(h);
    });

    test('an agent message followed by a tool call, and nothing after: that message is the answer', { timeout: TEST_TIMEOUT_MS }, async () => {
      const { result, events } = await run(request('codex', home(), { prompt: 'answer then tool', model: 'gpt-5.5' }));
      assert.equal(result.isError, false, `${result.errorMessage ?? ''}\n${result.stderrTail}`);
      assert.equal(result.text, 'Done: the answer is 42.');
      assert.equal(streamedText(events), result.text);
      assert.ok(events.some((e) => e.type === 'tool_use' && e.toolName === 'Bash'), 'the tool ran');
    });

    test('an ephemeral (cron) run answers and leaves no rollout in CODEX_HOME; a chat run does', { timeout: TEST_TIMEOUT_MS }, async () => {
      const h = home();
      const eph = await run(request('codex', h, { prompt: 'one-shot', model: 'gpt-5.5', ephemeral: true }));
      assert.equal(eph.result.text, 'Cron says hi.', eph.result.errorMessage ?? '');
      assert.deepEqual(filesUnder(join(h.home, '.codex', 'sessions')), [], 'no saved thread');
      const chat = await run(request('codex', h, { prompt: 'one-shot', model: 'gpt-5.5' }));
      assert.equal(chat.result.text, 'Cron says hi.');
      assert.ok(filesUnder(join(h.home, '.codex', 'sessions')).length > 0, 'a chat run saves its thread (the check sees rollouts)');
    });

    test('HTTP 400 from the model: the inner message, not the raw JSON body', { timeout: TEST_TIMEOUT_MS }, async () => {
      const { result } = await run(request('codex', home(), { prompt: 'bad request', model: 'gpt-5.5' }));
      assert.equal(result.isError, true);
      assert.equal(result.errorMessage, 'Invalid value for model: bogus (invalid_value)');
    });

    test('our interrupt (SIGINT, as Esc): an interruption, not an error; the thread is kept', { timeout: TEST_TIMEOUT_MS }, async () => {
      const before = mock.responseRequests().length;
      const interrupt = new AbortController();
      const pending = runTurn(request('codex', home(), { prompt: 'hang please', model: 'gpt-5.5', interruptSignal: interrupt.signal }), () => undefined);
      await waitFor(() => mock.responseRequests().length > before, { timeoutMs: TURN_TIMEOUT_MS, message: 'codex to ask the model' });
      interrupt.abort();
      const result = await pending;
      assert.equal(result.interrupted, true);
      assert.equal(result.isError, false, result.errorMessage ?? '');
      assert.equal(result.aborted, false);
      assert.match(result.sessionId ?? '', /^[0-9a-f-]{36}$/, 'the thread id is kept for the next turn');
    });
  });

  describe('gemini', { concurrency: true }, () => {
    const homes: RealCliHome[] = [];
    after(() => {
      for (const h of homes) removeRealCliHome(h);
    });
    async function geminiHome(): Promise<RealCliHome> {
      const h = makeRealCliHome('gemini');
      homes.push(h);
      await prepareGeminiHome(h.home);
      return h;
    }

    test('text before a tool call, text after it: the final text is the streamed text, blocks apart', { timeout: TEST_TIMEOUT_MS }, async () => {
      const h = await geminiHome();
      const file = await writeGeminiResponses(join(h.home, 'model'), 'two-blocks', [
        { kind: 'function_call', name: 'run_shell_command', args: { command: 'echo from-the-shell' }, text: 'Let me check.' },
        { kind: 'text', chunks: ['The shell said ', 'from-the-shell.'] },
      ]);
      const { result, events } = await run(request('gemini', h, { prompt: 'please run', model: 'gemini-2.5-flash', cliParameters: ['--fake-responses-non-strict', file] }));
      assert.equal(result.isError, false, `${result.errorMessage ?? ''}\n${result.stderrTail}`);
      assert.equal(result.text, 'Let me check.\n\nThe shell said from-the-shell.');
      assert.equal(streamedText(events), result.text, 'what the user saw streaming is the answer');
    });

    test('a rejected API key (HTTP 400 API_KEY_INVALID): the login hint, not a JSON body', { timeout: TEST_TIMEOUT_MS }, async () => {
      const api = await startGeminiErrorMock('bad_key');
      try {
        const h = await geminiHome();
        const { result } = await run(request('gemini', h, { prompt: 'hello', model: 'gemini-2.5-flash', env: { ...h.env, GOOGLE_GEMINI_BASE_URL: api.url } }));
        assert.ok(api.hits() > 0, 'gemini called the mock');
        assert.equal(result.isError, true);
        assert.equal(result.authRequired, true);
        assert.match(result.errorMessage ?? '', /Gemini is not logged in/);
        assert.doesNotMatch(result.errorMessage ?? '', /[{}]/);
      } finally {
        await api.close();
      }
    });

    test('HTTP 429: the rate-limit status (labelled in the chat) while gemini retries, and the timeout names rate limiting', { timeout: 110_000 }, async () => {
      const api = await startGeminiErrorMock('rate_limited');
      try {
        const h = await geminiHome();
        const events: NormalizedEvent[] = [];
        const result = await runTurn(request('gemini', h, { prompt: 'hello', model: 'gemini-2.5-flash', timeoutMs: 60_000, env: { ...h.env, GOOGLE_GEMINI_BASE_URL: api.url } }), (e) => events.push(e));
        assert.ok(api.hits() > 0, 'gemini called the mock');
        assert.ok(events.some((e) => e.type === 'status' && e.status === 'rate_limit'), JSON.stringify(events.map((e) => e.type)));
        assert.equal(result.timedOut, true);
        assert.match(result.errorMessage ?? '', /rate limit/i);
        assert.match(result.failureCause ?? '', /rate limit/i);
      } finally {
        await api.close();
      }
    });
  });

  describe('claude', { concurrency: 1 }, () => {
    let mock: AnthropicMock;
    let okMock: AnthropicMock;
    const homes: RealCliHome[] = [];
    before(async () => {
      mock = await startAnthropicMock({ agent: () => ({ kind: 'error', status: 401, errorType: 'authentication_error', message: 'invalid x-api-key' }) });
      okMock = await startAnthropicMock({ agent: () => ({ kind: 'text', text: 'Cron says hi.' }) });
    });
    after(async () => {
      await mock.close();
      await okMock.close();
      for (const h of homes) removeRealCliHome(h);
    });

    test('an ephemeral (cron) run answers and saves no session; a chat run does', { timeout: TEST_TIMEOUT_MS }, async () => {
      const h = makeRealCliHome('claude', okMock.url);
      homes.push(h);
      const eph = await run(request('claude', h, { prompt: 'one-shot', ephemeral: true }));
      assert.equal(eph.result.text, 'Cron says hi.', eph.result.errorMessage ?? '');
      assert.deepEqual(filesUnder(join(h.home, '.claude', 'projects')).filter((f) => f.endsWith('.jsonl')), [], 'no saved session');
      const chat = await run(request('claude', h, { prompt: 'one-shot' }));
      assert.equal(chat.result.text, 'Cron says hi.');
      assert.ok(filesUnder(join(h.home, '.claude', 'projects')).some((f) => f.endsWith('.jsonl')), 'a chat run saves its session (the check sees them)');
    });

    test('our deadline ends claude during its 401 retries: the auth cause is kept', { timeout: TEST_TIMEOUT_MS }, async () => {
      const h = makeRealCliHome('claude', mock.url);
      homes.push(h);
      const events: NormalizedEvent[] = [];
      const env = { ...h.env, CLAUDE_CODE_MAX_RETRIES: '10' };
      const result = await runTurn(request('claude', h, { prompt: 'hello', env, timeoutMs: 30_000 }), (e) => events.push(e));
      assert.ok(events.some((e) => e.type === 'status' && e.status === 'retrying'), 'claude was retrying when the deadline hit');
      assert.equal(result.timedOut, true);
      assert.equal(result.authRequired, true);
      assert.match(result.errorMessage ?? '', /timed out after 30 s/);
      assert.match(result.errorMessage ?? '', /`claude \/login`/);
    });
  });
});
