import assert from 'node:assert/strict';
import { test } from 'node:test';
import { isQuiet, isQuietFor, isQuietHour } from '../../src/workers/scheduler/quiet-hours.js';
import { resolveTimeZone } from '../../src/workers/scheduler/time-zone.js';

const at = (iso: string) => new Date(iso);

test('a window that wraps midnight covers late evening and early morning', () => {
  assert.equal(isQuiet(at('2025-01-01T22:00:00Z'), 22, 7, 'UTC'), true);
  assert.equal(isQuiet(at('2025-01-01T23:59:00Z'), 22, 7, 'UTC'), true);
  assert.equal(isQuiet(at('2025-01-02T00:00:00Z'), 22, 7, 'UTC'), true);
  assert.equal(isQuiet(at('2025-01-02T06:59:00Z'), 22, 7, 'UTC'), true);
  assert.equal(isQuiet(at('2025-01-02T07:00:00Z'), 22, 7, 'UTC'), false);
  assert.equal(isQuiet(at('2025-01-01T21:59:00Z'), 22, 7, 'UTC'), false);
  assert.equal(isQuiet(at('2025-01-01T12:00:00Z'), 22, 7, 'UTC'), false);
});

test('a same-day window is start-inclusive and end-exclusive', () => {
  assert.equal(isQuietHour(9, 9, 17), true);
  assert.equal(isQuietHour(16, 9, 17), true);
  assert.equal(isQuietHour(17, 9, 17), false);
  assert.equal(isQuietHour(8, 9, 17), false);
});

test('equal start and end is never quiet', () => {
  for (let hour = 0; hour < 24; hour += 1) assert.equal(isQuietHour(hour, 5, 5), false);
  assert.equal(isQuiet(at('2025-01-01T05:30:00Z'), 5, 5, 'UTC'), false);
});

test('the hour is read in the given zone', () => {
  // 21:30 UTC is 22:30 in Berlin (winter) and 16:30 in New York.
  assert.equal(isQuiet(at('2025-01-01T21:30:00Z'), 22, 7, 'Europe/Berlin'), true);
  assert.equal(isQuiet(at('2025-01-01T21:30:00Z'), 22, 7, 'America/New_York'), false);
});

test('a record without both bounds has no quiet hours', () => {
  const night = at('2025-01-01T23:00:00Z');
  assert.equal(isQuietFor({ quiet_start: 22, quiet_end: null }, night, 'UTC'), false);
  assert.equal(isQuietFor({}, night, 'UTC'), false);
  assert.equal(isQuietFor({ quiet_start: 22, quiet_end: 6 }, night, 'UTC'), true);
});

test('zone resolution skips invalid candidates and falls back', () => {
  const skipped: string[] = [];
  const zone = resolveTimeZone(['Mars/Base', '', 'Asia/Tokyo'], { env: {}, onInvalid: (z) => skipped.push(z) });
  assert.equal(zone, 'Asia/Tokyo');
  assert.deepEqual(skipped, ['Mars/Base']);
  assert.equal(resolveTimeZone([null, undefined], { env: { TZ: 'Europe/Paris' } }), 'Europe/Paris');
});
