import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  isTickDue,
  planHeartbeatTick,
  resolveHeartbeatTargets,
  wasSuspended,
  type HeartbeatSettings,
} from '../../src/workers/scheduler/heartbeat-plan.js';

const settings: HeartbeatSettings = {
  enabled: true,
  interval_minutes: 30,
  cooldown_minutes: 5,
  quiet_start: 21,
  quiet_end: 8,
  prompt: 'anything new?',
  ack_token: 'HEARTBEAT_OK',
  group_targets: [
    { enabled: false, chat_id: null },
    { enabled: true, chat_id: null },
    { enabled: true, chat_id: -100, topic_id: 7, prompt: 'group prompt', ack_token: 'NOPE', interval_minutes: 60, quiet_start: 0, quiet_end: 0 },
    { enabled: false, chat_id: -200 },
  ],
};

test('targets: allowed users plus enabled group targets with a chat, overrides applied', () => {
  const targets = resolveHeartbeatTargets(settings, [11, 22]);
  assert.deepEqual(targets.map((t) => t.key), ['tg:11', 'tg:22', 'tg:-100:7']);
  const group = targets[2];
  assert.equal(group?.prompt, 'group prompt');
  assert.equal(group?.ackToken, 'NOPE');
  assert.equal(group?.intervalMinutes, 60);
  assert.equal(targets[0]?.ackToken, 'HEARTBEAT_OK');
  assert.equal(targets[0]?.quietStart, 21);
  assert.deepEqual(resolveHeartbeatTargets({ ...settings, enabled: false }, [11]), []);
});

test('tick plan: interval per target, quiet hours per target', () => {
  const targets = resolveHeartbeatTargets(settings, [11]);
  const startedAt = new Date('2025-01-01T22:00:00Z');
  const night = new Date('2025-01-01T22:30:00Z');
  const plan = planHeartbeatTick(targets, new Map(), night, 'UTC', startedAt);
  assert.deepEqual(plan.quiet.map((t) => t.key), ['tg:11'], 'the DM is due but inside 21..8');
  assert.deepEqual(plan.due, [], 'the group has a 60 min interval, not yet due');
  const later = planHeartbeatTick(targets, new Map([['tg:11', night]]), new Date('2025-01-01T23:00:00Z'), 'UTC', startedAt);
  assert.deepEqual(later.due.map((t) => t.key), ['tg:-100:7'], 'the group never has quiet hours (0..0)');
  assert.deepEqual(later.quiet.map((t) => t.key), ['tg:11']);
  const day = planHeartbeatTick(targets, new Map(), new Date('2025-01-02T12:00:00Z'), 'UTC', startedAt);
  assert.deepEqual(day.due.map((t) => t.key).sort(), ['tg:-100:7', 'tg:11']);
});

test('interval and suspend detection', () => {
  const last = new Date('2025-01-01T10:00:00Z');
  assert.equal(isTickDue(last, new Date('2025-01-01T10:29:59Z'), 30), false);
  assert.equal(isTickDue(last, new Date('2025-01-01T10:30:00Z'), 30), true);
  assert.equal(isTickDue(last, new Date('2025-01-02T10:30:00Z'), 0), false);
  assert.equal(wasSuspended(last, new Date('2025-01-01T11:00:00Z'), 30), false);
  assert.equal(wasSuspended(last, new Date('2025-01-01T11:01:00Z'), 30), true);
});
