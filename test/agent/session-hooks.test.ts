/** The memory check every 6th message and the age note of old sessions. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { MEMORY_CHECK_SUFFIX, sessionAgeLabel, wantsMemoryCheck, withMemoryCheck } from '../../src/workers/agent/orchestrator/session-hooks.js';

test('the memory check goes with the 6th, 12th… message, never the first', () => {
  const due = Array.from({ length: 20 }, (_, count) => count).filter(wantsMemoryCheck).map((count) => count + 1);
  assert.deepEqual(due, [6, 12, 18]);
  assert.equal(withMemoryCheck('hi', 0), 'hi');
  assert.equal(withMemoryCheck('hi', 5), `hi${MEMORY_CHECK_SUFFIX}`);
});

test('the age note appears every 10th message once the session is old enough, in hours then days', () => {
  const now = new Date('2026-03-10T12:00:00Z');
  assert.equal(sessionAgeLabel('2026-03-10T00:00:00Z', 10, 12, now), '12h');
  assert.equal(sessionAgeLabel('2026-03-10T00:00:00Z', 11, 12, now), null, 'only every 10th message');
  assert.equal(sessionAgeLabel('2026-03-10T01:00:00Z', 10, 12, now), null, 'younger than the threshold');
  assert.equal(sessionAgeLabel('2026-03-07T12:00:00Z', 20, 12, now), '3d');
  assert.equal(sessionAgeLabel('2026-03-07T12:00:00Z', 20, 0, now), null, '0 disables it');
});
