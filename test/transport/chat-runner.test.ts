/**
 * The transport-neutral chat runner against a recording network: a delivery goes out once, an
 * edit the network cannot make becomes a new message, and a turn recorded by an earlier run is
 * resumed (its record removed only once the delivery is recorded).
 */
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { silentLogger } from '../../src/shared/log/logger.js';
import type { ChatRef, Delivery } from '../../src/shared/rpc/conversation-schemas.js';
import type { ChatNetwork, EditOutcome, LiveTurn, OutgoingText } from '../../src/workers/transport/chat-network.js';
import { ChatRunner } from '../../src/workers/transport/chat-runner.js';
import { DeliveryLog } from '../../src/workers/transport/delivery-log.js';
import { StreamStates } from '../../src/workers/transport/stream-state.js';

const chat: ChatRef = { transport: 'mx', chatId: 42, topicId: null };

class RecordingNetwork implements ChatNetwork<string> {
  readonly calls: string[] = [];
  editOutcome: EditOutcome = 'edited';
  private next = 100;

  openTurn(): LiveTurn {
    return this.turn('fresh');
  }

  resumeTurn(_start: unknown, stored: { messageIds: number[] }): LiveTurn {
    return this.turn(`resumed after ${stored.messageIds.join(',')}`);
  }

  async showQueued(inboundId: string): Promise<string> {
    this.calls.push(`queued ${inboundId}`);
    return `indicator ${inboundId}`;
  }

  settleQueued(indicator: string, _chat: ChatRef, outcome: string): void {
    this.calls.push(`${indicator} ${outcome}`);
  }

  async sendText(message: OutgoingText): Promise<number[]> {
    this.calls.push(`send ${message.text}`);
    return [this.next++];
  }

  async editText(edit: { messageId: number; text: string }): Promise<EditOutcome> {
    this.calls.push(`edit ${edit.messageId} ${edit.text}`);
    return this.editOutcome;
  }

  async sendFiles(target: { files: readonly string[] }): Promise<number[]> {
    this.calls.push(`files ${target.files.join(',')}`);
    return target.files.map(() => this.next++);
  }

  primaryChat(): ChatRef {
    return chat;
  }

  private turn(name: string): LiveTurn {
    return {
      chat,
      replyTo: null,
      push: (events) => void this.calls.push(`${name} push ${events.length}`),
      finish: async (message) => {
        this.calls.push(`${name} finish ${message.text}`);
        return [this.next++];
      },
      abort: async () => void this.calls.push(`${name} abort`),
    };
  }
}

async function setup(t: { after(fn: () => unknown): void }) {
  const dir = await mkdtemp(join(tmpdir(), 'ductor-chat-runner-'));
  t.after(() => rm(dir, { recursive: true, force: true }));
  const deliveries = new DeliveryLog(join(dir, 'deliveries.json'), () => assert.fail('not corrupt'));
  const streams = new StreamStates(join(dir, 'streams.json'), () => assert.fail('not corrupt'));
  await deliveries.load();
  await streams.load();
  const network = new RecordingNetwork();
  const runner = new ChatRunner({ agent: 'main', network, deliveries, streams, log: silentLogger() });
  return { network, runner, streams };
}

function delivery(fields: Partial<Delivery> & Pick<Delivery, 'deliveryId' | 'text'>): Delivery {
  return { chat, replyTo: null, format: 'plain', kind: 'notice', buttons: [], turnId: null, files: [], ...fields };
}

test('a delivery goes out once; the repeat returns the first sending’s ids', async (t) => {
  const { network, runner } = await setup(t);
  const first = await runner.deliver(delivery({ deliveryId: 'd1', text: 'hello', files: ['/tmp/a.txt'] }));
  const again = await runner.deliver(delivery({ deliveryId: 'd1', text: 'hello', files: ['/tmp/a.txt'] }));
  assert.deepEqual(network.calls, ['send hello', 'files /tmp/a.txt']);
  assert.equal(again.duplicate, true);
  assert.deepEqual(again.messageIds, first.messageIds);
});

test('a replacing delivery edits the earlier message; one the network cannot edit is sent anew', async (t) => {
  const { network, runner } = await setup(t);
  const ask = await runner.deliver(delivery({ deliveryId: 'approval:1', text: 'may I?' }));
  const chosen = await runner.deliver(delivery({ deliveryId: 'approval:1:answered', text: '→ Allow once', replaces: 'approval:1' }));
  assert.deepEqual(chosen.messageIds, ask.messageIds, 'the answer is in the question itself');
  network.editOutcome = 'gone';
  const late = await runner.deliver(delivery({ deliveryId: 'approval:1:expired', text: 'expired', replaces: 'approval:1' }));
  assert.notDeepEqual(late.messageIds, ask.messageIds);
  assert.deepEqual(network.calls, ['send may I?', `edit ${ask.messageIds[0]} → Allow once`, `edit ${ask.messageIds[0]} expired`, 'send expired']);
});

test('a turn an earlier run recorded is resumed for its answer, and its record goes only after the delivery', async (t) => {
  const { network, runner, streams } = await setup(t);
  await streams.put({ agent: 'main', turnId: 'turn-1', chatId: chat.chatId, messageIds: [7, 8], eventIds: ['$a', '$b'], shownChars: 10, shownDigest: 'x' });
  runner.stream('turn-1', chat, null, [{ kind: 'text', text: 'more' }]);
  await runner.deliver(delivery({ deliveryId: 'turn-1:final', text: 'the answer', kind: 'answer', turnId: 'turn-1' }));
  assert.deepEqual(network.calls, ['resumed after 7,8 push 1', 'resumed after 7,8 finish the answer']);
  assert.equal(streams.get('main', 'turn-1'), undefined);
});

test('queue indicators are kept by inbound id and settled once; a started turn opens its live view', async (t) => {
  const { network, runner } = await setup(t);
  await runner.queued('in-1', chat, 5);
  runner.queueUpdate({ chat, inboundIds: ['in-1', 'in-2'], outcome: 'started', turnId: 'turn-2', replyTo: 5 });
  runner.queueUpdate({ chat, inboundIds: ['in-1'], outcome: 'cancelled', turnId: null, replyTo: null });
  runner.stream('turn-2', chat, 5, [{ kind: 'text', text: 'a' }]);
  assert.deepEqual(network.calls, ['queued in-1', 'indicator in-1 started', 'fresh push 1']);
  assert.equal(await runner.notifyPrimary('note'), 1);
});
