import assert from 'node:assert/strict';
import { test } from 'node:test';
import { WORKER_ENV } from '../../src/shared/worker/env-names.js';
import { restoreChildEnv, workerProcessEnv, WORKER_ARENA_MAX, WORKER_MMAP_THRESHOLD_BYTES } from '../../src/shared/worker/process-env.js';

test('a worker without TLS starts without NODE_EXTRA_CA_CERTS and hands it back to its children', () => {
  const user = { PATH: '/bin', NODE_EXTRA_CA_CERTS: '/etc/corp.pem' };
  const forked = workerProcessEnv(user, false);
  assert.equal(forked.NODE_EXTRA_CA_CERTS, undefined);
  assert.equal(forked.MALLOC_MMAP_THRESHOLD_, WORKER_MMAP_THRESHOLD_BYTES);
  assert.equal(forked.MALLOC_ARENA_MAX, WORKER_ARENA_MAX);
  assert.deepEqual(user, { PATH: '/bin', NODE_EXTRA_CA_CERTS: '/etc/corp.pem' }, 'the given env is not changed');
  restoreChildEnv(forked);
  assert.deepEqual(forked, user, 'what the children get is what the user started ductor with');
});

test('the transport keeps NODE_EXTRA_CA_CERTS; malloc settings the user chose are theirs, kept for everyone', () => {
  const user: NodeJS.ProcessEnv = { NODE_EXTRA_CA_CERTS: '/etc/corp.pem', MALLOC_MMAP_THRESHOLD_: '65536', MALLOC_ARENA_MAX: '4' };
  const forked = workerProcessEnv(user, true);
  assert.deepEqual(forked, user);
  assert.equal(forked[WORKER_ENV.ownMallocSetting], undefined);
  restoreChildEnv(forked);
  assert.deepEqual(forked, user);
});

test('a worker gets the malloc settings the user left unset, and its children get neither of them', () => {
  const user: NodeJS.ProcessEnv = { PATH: '/bin', MALLOC_MMAP_THRESHOLD_: '65536' };
  const forked = workerProcessEnv(user, false);
  assert.equal(forked.MALLOC_MMAP_THRESHOLD_, '65536');
  assert.equal(forked.MALLOC_ARENA_MAX, WORKER_ARENA_MAX);
  restoreChildEnv(forked);
  assert.deepEqual(forked, user, 'the user\'s threshold stays, the arena limit ductor chose is gone');
});
