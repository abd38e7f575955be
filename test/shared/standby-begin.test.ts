import assert from 'node:assert/strict';
import { test } from 'node:test';
import { contract } from '../../src/shared/rpc/contract.js';
import { waitForBegin } from '../../src/shared/worker/standby.js';

test('a standby worker begins on the contract’s `begin` notification and takes its environment values', async () => {
  assert.equal(contract.begin.notify, true);
  const env: NodeJS.ProcessEnv = { DUCTOR_WORKER_STANDBY: '1' };
  let begun = false;
  const waiting = waitForBegin(env).then(() => (begun = true));
  // Not a begin: another method, and a begin whose params break the contract.
  process.emit('message', { jsonrpc: '2.0', method: 'ping', params: {} }, undefined);
  process.emit('message', { jsonrpc: '2.0', method: 'begin', params: { env: { LEVEL: 5 } } }, undefined);
  await new Promise((resolve) => setImmediate(resolve));
  assert.equal(begun, false, 'only a valid begin starts the worker');
  process.emit('message', { jsonrpc: '2.0', method: 'begin', params: { env: { DUCTOR_LOG_LEVEL: 'debug' } } }, undefined);
  await waiting;
  assert.equal(env.DUCTOR_LOG_LEVEL, 'debug');
  assert.equal(env.DUCTOR_WORKER_STANDBY, undefined);
  assert.equal(process.listenerCount('message'), 0, 'the worker stops listening once begun');
});
