import assert from 'node:assert/strict';
import { test } from 'node:test';
import { planHeartbeatTurn, stripAck } from '../../src/shared/automation/heartbeat-turn.js';

test('a turn is skipped without a session, during cooldown, with a busy CLI or another provider', () => {
  const now = new Date('2025-01-01T12:00:00Z');
  const session = { sessionId: 'abc', provider: 'claude', lastActiveAt: new Date('2025-01-01T11:50:00Z') };
  const base = { configuredProvider: 'claude', cliActive: false, cooldownMinutes: 5, now };
  assert.deepEqual(planHeartbeatTurn({ ...base, session }), { run: true });
  assert.deepEqual(planHeartbeatTurn({ ...base, session: null }), { run: false, reason: 'no_session' });
  assert.deepEqual(planHeartbeatTurn({ ...base, session: { ...session, sessionId: null } }), { run: false, reason: 'no_session_id' });
  assert.deepEqual(planHeartbeatTurn({ ...base, session, cliActive: true }), { run: false, reason: 'cli_active' });
  assert.deepEqual(planHeartbeatTurn({ ...base, session, configuredProvider: 'codex' }), { run: false, reason: 'provider_mismatch' });
  assert.deepEqual(
    planHeartbeatTurn({ ...base, session: { ...session, lastActiveAt: new Date('2025-01-01T11:57:00Z') } }),
    { run: false, reason: 'cooldown' },
  );
});

test('the ack token suppresses delivery; a leading or trailing token is removed', () => {
  assert.equal(stripAck('HEARTBEAT_OK', 'HEARTBEAT_OK'), null);
  assert.equal(stripAck('  HEARTBEAT_OK\n', 'HEARTBEAT_OK'), null);
  assert.equal(stripAck('HEARTBEAT_OK HEARTBEAT_OK', 'HEARTBEAT_OK'), null);
  assert.equal(stripAck('Your build failed.', 'HEARTBEAT_OK'), 'Your build failed.');
  assert.equal(stripAck('HEARTBEAT_OK', ''), null, 'an empty token falls back to HEARTBEAT_OK');
  assert.equal(stripAck('HEARTBEAT_OK\nYour build failed.', 'HEARTBEAT_OK'), 'Your build failed.');
  assert.equal(stripAck('Reminder: standup at 10. HEARTBEAT_OK', 'HEARTBEAT_OK'), 'Reminder: standup at 10.');
  assert.equal(stripAck('NOPE', 'NOPE'), null);
  assert.equal(stripAck('mentions HEARTBEAT_OK in the middle', 'HEARTBEAT_OK'), 'mentions HEARTBEAT_OK in the middle');
});
