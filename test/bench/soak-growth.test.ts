import assert from 'node:assert/strict';
import { test } from 'node:test';
import { growthOf } from '../../bench/soak.js';

const MIN = 60_000;
const MiB = 1024;

/** One probe line every 10 s for 10 minutes; `anon` and `pss` in MiB as functions of the minute. */
function rows(anon: (minute: number) => number, pss?: (minute: number) => number) {
  return Array.from({ length: 61 }, (_, i) => {
    const minute = i / 6;
    const a = anon(minute) * MiB;
    const p = pss ? pss(minute) * MiB : a;
    return { at: i * 10_000, anonKiB: a, anonBeforeGcKiB: a, pssKiB: p, pssBeforeGcKiB: p, heapUsed: 10 * 2 ** 20 };
  });
}
const span = { from: 0, to: 10 * MIN, windowMs: MIN };

test('the soak figure follows a steady growth by both measures', () => {
  const g = growthOf(rows((m) => 20 + 0.3 * m), span);
  assert.ok(Math.abs(g.anonSlope - 3) < 0.01, `slope ${g.anonSlope}`);
  assert.ok(Math.abs(g.anonWindows - 2.7) < 0.1, `windows ${g.anonWindows}`);
});

test('pages V8 keeps committed swing from sample to sample: the window difference reads that noise, the slope much less', () => {
  // No trend, each sample 0-3 MiB above the floor at random (a fixed sequence).
  let x = 2;
  const noise = rows(() => {
    x = (x * 48_271) % 2_147_483_647;
    return 20 + 3 * (x / 2_147_483_647);
  });
  const g = growthOf(noise, span);
  assert.ok(g.anonWindows > 1.5, `windows ${g.anonWindows}`);
  assert.ok(Math.abs(g.anonSlope) < 0.5, `slope ${g.anonSlope}`);
});

test('the PSS share of pages other processes map moves the PSS figures, not the anonymous ones', () => {
  // The process's own memory is flat; its share of the node binary's pages grows as more node processes end.
  const g = growthOf(rows(() => 20, (m) => 20 + (m > 5 ? 2.5 : 0)), span);
  assert.equal(g.anonSlope, 0);
  assert.equal(g.anonWindows, 0);
  assert.equal(g.pssWindows, 2.5);
});
