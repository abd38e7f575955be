/**
 * The runner keeps one live stream per running turn; a turn's entry must go when its final
 * delivery ends, also when sending it failed, or every such turn is kept (with its typing timer)
 * for as long as the transport runs.
 */
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { ConfigSchema } from '../../src/shared/config/schema.js';
import { silentLogger } from '../../src/shared/log/logger.js';
import type { ChatRef, Delivery } from '../../src/shared/rpc/conversation-schemas.js';
import { RpcPeer } from '../../src/shared/rpc/peer.js';
import { BotRunner } from '../../src/workers/transport/bot-runner.js';
import { DeliveryLog } from '../../src/workers/transport/delivery-log.js';
import { StreamStates } from '../../src/workers/transport/stream-state.js';
import { catalogue } from '../../src/shared/i18n/index.js';
import { FAKE_TOKEN, startFakeTelegram, type FakeMessage } from '../helpers/fake-telegram.js';
import { waitFor } from '../helpers/wait-for.js';

const CHAT = 5;

async function setup(t: { after(fn: () => unknown): void }) {
  const tg = await startFakeTelegram(t);
  tg.rate.privatePerSecond = 50;
  const home = await mkdtemp(join(tmpdir(), 'ductor-runner-turns-'));
  t.after(() => rm(home, { recursive: true, force: true }));
  const config = ConfigSchema.parse({
    telegram_token: FAKE_TOKEN, telegram_api_root: tg.url, allowed_user_ids: [CHAT],
    streaming: { min_chars: 5, idle_ms: 50, edit_interval_seconds: 0.1 },
  });
  const deliveries = new DeliveryLog(join(home, 'deliveries.json'), () => assert.fail('not corrupt'));
  const streams = new StreamStates(join(home, 'streams.json'), () => assert.fail('not corrupt'));
  await deliveries.load();
  await streams.load();
  const runner = new BotRunner({
    agent: 'main', config: () => config, peer: new RpcPeer({ remote: 'supervisor', send: () => undefined }),
    deliveries, streams, log: silentLogger(), home,
  });
  t.after(() => runner.stop());
  const openTurns = () => (runner as unknown as { chat: { turns: Map<string, unknown> } }).chat.turns.size;
  const { messageId: question } = tg.pushMessage({ chatId: CHAT, userId: CHAT, text: 'question' });
  const streamed = 'The first half of the answer';
  runner.stream('turn-1', { transport: 'tg', chatId: CHAT, topicId: null }, question, [{ kind: 'text', text: streamed }]);
  // The live message is on screen and recorded for a restarted run.
  await waitFor(() => tg.visible(CHAT).some((m) => m.visibleText.includes(streamed)) && streams.get('main', 'turn-1'), { message: 'the live message' });
  const delivery = (fields: Partial<Delivery>): Delivery => ({
    deliveryId: 'in-1:final', chat: { transport: 'tg', chatId: CHAT, topicId: null }, replyTo: question, text: `${streamed}, and the rest.`,
    format: 'markdown', kind: 'answer', buttons: [], turnId: 'turn-1', files: [], ...fields,
  });
  return { tg, runner, openTurns, delivery };
}

test('an error notice whose sending failed leaves no turn behind, and its retry is sent', async (t) => {
  const { tg, runner, openTurns, delivery } = await setup(t);
  tg.failNext('sendMessage', { code: 403, description: 'Forbidden: bot was blocked by the user' });
  const failed = delivery({ deliveryId: 'in-1:final', kind: 'error', format: 'plain', text: '⚠️ The CLI failed.' });
  await assert.rejects(runner.deliver(failed));
  assert.equal(openTurns(), 0, 'the failed delivery left its turn in the map');
  await runner.deliver(failed);
  assert.ok(tg.visible(CHAT).some((m) => m.visibleText === '⚠️ The CLI failed.'));
  assert.equal(openTurns(), 0);
});

test('a queued message that starts before its "queued" notice is on screen leaves neither the notice nor an entry behind', async (t) => {
  const tg = await startFakeTelegram(t);
  tg.rate.privatePerSecond = 50;
  const home = await mkdtemp(join(tmpdir(), 'ductor-runner-queued-'));
  t.after(() => rm(home, { recursive: true, force: true }));
  const config = ConfigSchema.parse({ telegram_token: FAKE_TOKEN, telegram_api_root: tg.url, allowed_user_ids: [CHAT] });
  const deliveries = new DeliveryLog(join(home, 'deliveries.json'), () => assert.fail('not corrupt'));
  const streams = new StreamStates(join(home, 'streams.json'), () => assert.fail('not corrupt'));
  let runner: BotRunner | null = null;
  // The agent: journals the message behind one other, and starts it at once (the turn ahead just
  // ended), so "started" arrives while the notice is still on its way to Telegram.
  const peer: RpcPeer = new RpcPeer({
    remote: 'supervisor',
    send: (message) => {
      const m = message as { id?: number; method?: string; params?: { id: string; chat: ChatRef } };
      if (!m.method?.endsWith('inbound') || m.id === undefined || !m.params) return;
      const { id, chat } = m.params;
      setImmediate(() => {
        peer.receive({ jsonrpc: '2.0', id: m.id, result: { accepted: true, queuedBehind: 1 } });
        setImmediate(() => runner?.queueUpdate({ chat, inboundIds: [id], outcome: 'started', turnId: null, replyTo: null }));
      });
    },
  });
  runner = new BotRunner({ agent: 'main', config: () => config, peer, deliveries, streams, log: silentLogger(), home });
  t.after(() => runner?.stop());
  runner.start();
  tg.pushMessage({ chatId: CHAT, userId: CHAT, text: 'second question' });
  const indicators = () => (runner as unknown as { chat: { indicators: Map<string, unknown> } }).chat.indicators;
  const notices = (all: FakeMessage[]) => all.filter((m) => m.visibleText === catalogue('en').queuedIndicator);
  // The notice was sent (it went out before "started" was known) ...
  await waitFor(() => notices(tg.sent(CHAT)).length === 1, { message: 'the queued notice was sent' });
  // ... and goes again once its message id is known.
  await waitFor(() => notices(tg.visible(CHAT)).length === 0, { message: 'the queued notice is deleted' });
  assert.equal(indicators().size, 0, 'the notice stays in the indicator map');
});
