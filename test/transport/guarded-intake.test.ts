/** Events without redelivery (Matrix): retried in place while the agent is away, set aside when they cannot be handled. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { RpcError } from '../../src/shared/errors.js';
import { silentLogger } from '../../src/shared/log/logger.js';
import { RPC_INVALID_PARAMS, RPC_TARGET_UNAVAILABLE } from '../../src/shared/rpc/errors.js';
import { handleGuarded, type GuardedIntakeOptions } from '../../src/workers/transport/guarded-intake.js';

type Poison = { id: string; reason: string; update: unknown };

function guard(overrides: Partial<GuardedIntakeOptions> = {}) {
  const setAside: Poison[] = [];
  const options: GuardedIntakeOptions = {
    signal: new AbortController().signal,
    log: silentLogger(),
    client: 'matrix main',
    backoffInitialMs: 5,
    backoffMaxMs: 20,
    maxAttempts: 3,
    onQuarantine: (poison) => void setAside.push(poison),
    ...overrides,
  };
  return { options, setAside };
}

test('a malformed event is set aside without being handled', async () => {
  const { options, setAside } = guard();
  let handled = 0;
  await handleGuarded(options, { id: '$bad', raw: { content: null }, malformed: 'content: expected object' }, async () => void handled++);
  assert.equal(handled, 0);
  assert.deepEqual(setAside, [{ id: '$bad', reason: 'malformed event: content: expected object', update: { content: null } }]);
});

test('an event refused every time is tried maxAttempts times and then set aside', async () => {
  const { options, setAside } = guard();
  let attempts = 0;
  await handleGuarded(options, { id: '$e', raw: {}, malformed: null }, async () => {
    attempts++;
    throw new RpcError('inbound', 'agent:main', RPC_INVALID_PARAMS, 'text: too long');
  });
  assert.equal(attempts, 3);
  assert.equal(setAside.length, 1);
  assert.match(setAside[0]!.reason, /failed 3 times: text: too long/);
});

test('an agent that is down is waited for, however long, and nothing is set aside', async () => {
  const { options, setAside } = guard();
  let attempts = 0;
  await handleGuarded(options, { id: '$e', raw: {}, malformed: null }, async () => {
    if (++attempts < 8) throw new RpcError('inbound', 'agent:main', RPC_TARGET_UNAVAILABLE, 'agent:main is not running');
  });
  assert.equal(attempts, 8);
  assert.deepEqual(setAside, []);
});

test('stopping while waiting for the agent ends the wait without setting the event aside', async () => {
  const stop = new AbortController();
  const { options, setAside } = guard({ signal: stop.signal, backoffInitialMs: 60_000 });
  const done = handleGuarded(options, { id: '$e', raw: {}, malformed: null }, async () => {
    throw new RpcError('inbound', 'agent:main', RPC_TARGET_UNAVAILABLE, 'agent:main is not running');
  });
  setTimeout(() => stop.abort(), 20);
  await done;
  assert.deepEqual(setAside, []);
});

test('a Matrix event is malformed when a field that is read has the wrong type; a redacted message is not', async () => {
  const { malformedEventReason } = await import('../../src/workers/transport/matrix/matrix-ingress.js');
  const base = { roomId: '!r:x', eventId: '$e', type: 'm.room.message', sender: '@a:x', ts: 1 };
  assert.equal(malformedEventReason({ ...base, content: { msgtype: 'm.text', body: 'hi' } }), null);
  assert.equal(malformedEventReason({ ...base, content: {} }), null, 'a redacted message has an empty content');
  assert.match(malformedEventReason({ ...base, content: null }) ?? '', /^content:/);
  assert.match(malformedEventReason({ ...base, content: { msgtype: 'm.text', body: { html: 1 } } }) ?? '', /^content\.body:/);
  assert.match(malformedEventReason({ ...base, content: { msgtype: 'm.text', body: 'x'.repeat(200_001) } }) ?? '', /^content\.body:/);
  assert.match(malformedEventReason({ ...base, sender: 7, content: {} }) ?? '', /^sender:/);
});
