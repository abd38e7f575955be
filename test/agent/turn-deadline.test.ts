/** `timeouts`: warnings before the deadline, extensions while output flows, then the stop. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { longestTurnMs, TurnDeadline } from '../../src/workers/agent/orchestrator/turn-deadline.js';
import { waitFor } from '../helpers/wait-for.js';

test('a quiet turn is warned at each interval and then stopped', async () => {
  const events: string[] = [];
  const deadline = new TurnDeadline(
    { normal: 0.3, warning_intervals: [0.2, 0.1], extend_on_activity: true, activity_extension: 0.05, max_extensions: 3 },
    { onWarning: () => events.push('warn'), onExtended: () => events.push('extend') },
  );
  await waitFor(() => deadline.fired, { timeoutMs: 3_000 });
  assert.deepEqual(events, ['warn', 'warn'], 'no output in the last activity_extension: no extension');
});

test('output near the deadline extends it, at most max_extensions times', async (t) => {
  const events: string[] = [];
  const started = Date.now();
  const deadline = new TurnDeadline(
    { normal: 0.1, warning_intervals: [], extend_on_activity: true, activity_extension: 0.1, max_extensions: 2 },
    { onWarning: () => events.push('warn'), onExtended: () => events.push('extend') },
  );
  const busy = setInterval(() => deadline.activity(), 10);
  t.after(() => clearInterval(busy));
  await waitFor(() => deadline.fired, { timeoutMs: 3_000 });
  clearInterval(busy);
  assert.deepEqual(events, ['extend', 'extend']);
  assert.ok(Date.now() - started >= 290, 'normal plus two extensions');
  assert.equal(deadline.extended, 2);
});

test('extend_on_activity off stops at the first deadline; stop() disarms it', async () => {
  const off = new TurnDeadline(
    { normal: 0.05, warning_intervals: [], extend_on_activity: false, activity_extension: 10, max_extensions: 3 },
    { onWarning: () => undefined, onExtended: () => assert.fail('must not extend') },
  );
  off.activity();
  await waitFor(() => off.fired, { timeoutMs: 3_000 });
  const stopped = new TurnDeadline({ normal: 0.05, warning_intervals: [], extend_on_activity: false, activity_extension: 1, max_extensions: 0 }, { onWarning: () => undefined, onExtended: () => undefined });
  const witness = new TurnDeadline({ normal: 0.1, warning_intervals: [], extend_on_activity: false, activity_extension: 1, max_extensions: 0 }, { onWarning: () => undefined, onExtended: () => undefined });
  stopped.stop();
  await waitFor(() => witness.fired, { timeoutMs: 3_000 });
  assert.equal(stopped.fired, false, 'a stopped deadline stays quiet past its time');
  assert.equal(longestTurnMs({ normal: 600, warning_intervals: [], extend_on_activity: true, activity_extension: 120, max_extensions: 3 }), 960_000);
});
