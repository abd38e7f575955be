/** Held messages of an agent that is not running: retried until it takes them, each chat told once per outage. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { RpcError } from '../../src/shared/errors.js';
import type { ChatRef } from '../../src/shared/rpc/conversation-schemas.js';
import { RPC_TARGET_UNAVAILABLE } from '../../src/shared/rpc/errors.js';
import { AgentDownHold } from '../../src/workers/transport/agent-down-hold.js';

const chat: ChatRef = { transport: 'tg', chatId: 7, topicId: null };
const down = () => new RpcError('inbound', 'agent:helper', RPC_TARGET_UNAVAILABLE, 'target unavailable');
const quietLog = { debug() {}, info() {}, warn() {}, error() {} } as never;

test('an unavailable agent: the request is retried until taken, the chat is told once, again after a new outage', async () => {
  const told: number[] = [];
  const hold = new AgentDownHold({ agent: 'helper', log: quietLog, signal: new AbortController().signal, tell: async (c) => told.push(c.chatId) });
  let failures = 2;
  const request = async () => {
    if (failures-- > 0) throw down();
    return 'ack';
  };
  assert.equal(await hold.send(chat, 1, request), 'ack');
  assert.deepEqual(told, [7], 'told once for two failed tries');
  failures = 1;
  assert.equal(await hold.send(chat, 2, request), 'ack');
  assert.deepEqual(told, [7, 7], 'a new outage is told again');
});

test('other errors fail at once; main is held without a notice; stopping the bot ends the wait', async () => {
  const told: number[] = [];
  const stopper = new AbortController();
  const hold = new AgentDownHold({ agent: 'main', log: quietLog, signal: stopper.signal, tell: async (c) => told.push(c.chatId) });
  await assert.rejects(hold.send(chat, 1, async () => { throw new Error('slow'); }), /slow/);
  const waiting = hold.send(chat, 1, async () => { throw down(); });
  setTimeout(() => stopper.abort(), 50);
  await assert.rejects(waiting);
  assert.deepEqual(told, [], 'main’s own chat gets no start hint');
});
