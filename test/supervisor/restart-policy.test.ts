/** Backoff and crash-loop detection. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  BASE_BACKOFF_MS, CRASH_LOOP_COUNT, MAX_BACKOFF_MS, STABLE_UPTIME_MS,
  backoffMs, emptyHistory, isCrashLoop, recordCrash,
} from '../../src/supervisor/restart-policy.js';

test('backoff doubles per quick crash and is capped', () => {
  let h = emptyHistory();
  const delays: number[] = [];
  for (let i = 0; i < 12; i += 1) {
    h = recordCrash(h, i * 1_000_000, 1_000);
    delays.push(backoffMs(h));
  }
  assert.equal(delays[0], BASE_BACKOFF_MS);
  assert.equal(delays[1], BASE_BACKOFF_MS * 2);
  assert.equal(delays[2], BASE_BACKOFF_MS * 4);
  assert.equal(delays.at(-1), MAX_BACKOFF_MS);
  assert.ok(delays.every((d, i) => i === 0 || d >= delays[i - 1]!));
});

test('a crash after a long healthy run starts the backoff over', () => {
  let h = emptyHistory();
  for (let i = 0; i < 4; i += 1) h = recordCrash(h, i, 100);
  assert.ok(backoffMs(h) > BASE_BACKOFF_MS);
  h = recordCrash(h, 10_000_000, STABLE_UPTIME_MS + 1);
  assert.equal(backoffMs(h), BASE_BACKOFF_MS);
});

test('the crash loop is reported once, when the count inside the window reaches the threshold', () => {
  let h = emptyHistory();
  const flags: boolean[] = [];
  for (let i = 0; i < CRASH_LOOP_COUNT + 2; i += 1) {
    h = recordCrash(h, i * 1000, 100);
    flags.push(isCrashLoop(h));
  }
  assert.deepEqual(flags.map((f, i) => (f ? i : -1)).filter((i) => i >= 0), [CRASH_LOOP_COUNT - 1]);
});
