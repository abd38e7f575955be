import assert from 'node:assert/strict';
import { test } from 'node:test';
import { formatFigure, judged, meetsTarget, median, slope, type Figure } from '../../bench/figure.js';

const base: Figure = { name: 'cold_start_ms', value: 500, unit: 'ms', must: 2, aim: 1.5, better: 'lower' };

test('a figure with a floor is judged on its ratio to the floor, not on its absolute value', () => {
  const withFloor: Figure = { ...base, floor: 300 };
  assert.equal(judged(withFloor), 500 / 300);
  assert.equal(meetsTarget(withFloor, withFloor.must), true, '1.67× meets ≤ 2×');
  assert.equal(meetsTarget(withFloor, withFloor.aim), false, '1.67× misses ≤ 1.5×');
  assert.equal(meetsTarget({ ...withFloor, floor: 200 }, 2), false, '2.5× misses ≤ 2×');
});

test('the printed line shows the absolute figure, the ratio and the floor beside each other', () => {
  const line = formatFigure({ ...base, floor: 250 });
  assert.match(line, /500\.000 ms/);
  assert.match(line, /2\.00× floor 250\.000 ms/);
  assert.match(line, /must ≤ 2×, aim ≤ 1\.5×  must ✓/);
  assert.match(formatFigure({ ...base, must: 600, aim: 350 }), /must ≤ 600, aim ≤ 350  must ✓/, 'without a floor the targets apply to the value');
});

test('median of runs: the middle one, or the mean of the two middle ones', () => {
  assert.equal(median([5, 1, 3]), 3);
  assert.equal(median([4, 1, 3, 2]), 2.5);
});

test('slope: the least-squares rate, which one swing moves by its share only', () => {
  assert.equal(slope([{ x: 0, y: 1 }, { x: 1, y: 3 }, { x: 2, y: 5 }]), 2);
  // Flat with one high sample at the end: a window difference would call this growth of 10.
  const flat = Array.from({ length: 60 }, (_, i) => ({ x: i, y: i === 59 ? 10 : 0 }));
  assert.ok(Math.abs(slope(flat) * 59) < 1, `one swing at the end counts a tenth at most (${slope(flat) * 59})`);
  assert.throws(() => slope([{ x: 1, y: 1 }]), /at least two/);
  assert.throws(() => slope([{ x: 1, y: 1 }, { x: 1, y: 2 }]), /same x/);
});
