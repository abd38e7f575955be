/** The recipient side of delegation: one scoped session per sender; a provider switch starts fresh and says so. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import pino from 'pino';
import { ConfigSchema } from '../../src/shared/config/schema.js';
import { agentPaths } from '../../src/shared/paths.js';
import { emptyUsage, type TurnResult } from '../../src/workers/agent/providers/events.js';
import type { TurnInput } from '../../src/workers/agent/orchestrator/provider-port.js';
import { NamedSessions } from '../../src/workers/agent/named-sessions/named-sessions.js';
import type { ExtrasContext } from '../../src/workers/agent/delegation/context.js';
import type { Target } from '../../src/workers/agent/sessions/session-manager.js';
import { tmpHome } from '../helpers/tmp-home.js';

test('inter-agent turns resume the sender’s scoped session until the recipient’s provider changes', async (t) => {
  const home = await tmpHome(t);
  const config = ConfigSchema.parse({ telegram_token: 'x', allowed_user_ids: [5] });
  let target: Target = { provider: 'claude', model: 'opus', reasoningEffort: null };
  const inputs: TurnInput[] = [];
  const runTurn = async (input: TurnInput): Promise<TurnResult> => {
    inputs.push(input);
    return {
      provider: input.provider, text: `answer ${inputs.length}`, sessionId: `${input.provider}-session`, isError: false, errorMessage: null, usage: emptyUsage(), costUsd: 0,
      durationMs: 1, numTurns: 1, reason: 'completed' as TurnResult['reason'], exitCode: 0, signal: null, stderrTail: '', timedOut: false, aborted: false, staleSession: false, authRequired: false, sessionAllowedTools: [],
    };
  };
  const ctx = {
    agent: 'helper', mainHome: home, paths: agentPaths(home), log: pino({ level: 'silent' }), config: () => config, runTurn,
    outbox: null as never, env: () => ({}), configuredTarget: () => target, service: () => { throw new Error('unused'); },
  } satisfies ExtrasContext;
  const sessions = new NamedSessions(ctx, () => undefined);
  await sessions.start();
  const signal = new AbortController().signal;

  const first = await sessions.interAgentTurn('main', 'hello', false, signal);
  assert.deepEqual([first.success, first.text, first.sessionName, first.notice], [true, 'answer 1', 'ia-main', null]);
  assert.match(inputs[0]!.prompt, /^\[INTER-AGENT MESSAGE from 'main' to 'helper'\]\nhello\n\[END INTER-AGENT MESSAGE\]/);
  assert.equal(inputs[0]!.cwd, agentPaths(home).workspace);
  assert.equal(inputs[0]!.resumeSessionId, null);

  await sessions.interAgentTurn('main', 'again', false, signal);
  assert.equal(inputs[1]!.resumeSessionId, 'claude-session', 'the scoped session is resumed');

  target = { provider: 'codex', model: 'gpt-5.2-codex', reasoningEffort: null };
  const switched = await sessions.interAgentTurn('main', 'after switch', false, signal);
  assert.equal(inputs[2]!.provider, 'codex');
  assert.equal(inputs[2]!.resumeSessionId, null, 'a fresh session on the new provider');
  assert.match(switched.notice ?? '', /Provider changed from Claude to Codex/);

  const fresh = await sessions.interAgentTurn('main', 'new please', true, signal);
  assert.equal(inputs[3]!.resumeSessionId, null, 'new_session ends the old one first');
  assert.equal(fresh.notice, null);
});
