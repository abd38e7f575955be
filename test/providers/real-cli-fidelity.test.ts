// The real claude, codex and gemini CLIs against the loopback model mocks, for what the user ends
// up reading: the final answer (never lost, never doubled) and the error texts.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { runTurn, type NormalizedEvent, type TurnRequest, type TurnResult } from '../../src/workers/agent/providers/provider.js';
import type { ProviderName } from '../../src/workers/agent/providers/events.js';
import { functionCallOutput, startOpenAiMock, userTexts, type OpenAiMock, type OpenAiReply, type OpenAiRequest } from '../helpers/model-mock-openai.js';
import { writeGeminiResponses } from '../helpers/model-mock-gemini.js';
import { join } from 'node:path';
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
  });

  describe('gemini', { concurrency: 1 }, () => {
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
  });
});
