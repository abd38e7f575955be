import assert from 'node:assert/strict';
import { test } from 'node:test';
import { isValidTimezone } from '../../src/shared/config/timezone.js';
import { resolveTimeZone, zonedDate, zonedParts } from '../../src/workers/scheduler/time-zone.js';

test('zone answers and wall-clock parts stay right when asked again (they are kept per zone)', () => {
  for (let round = 0; round < 2; round++) {
    assert.equal(isValidTimezone('Europe/Berlin'), true);
    assert.equal(isValidTimezone('Mars/Olympus_Mons'), false);
    assert.equal(isValidTimezone('  '), false);
    assert.equal(resolveTimeZone(['Mars/Olympus_Mons', 'Asia/Tokyo'], { env: {} }), 'Asia/Tokyo');
    // 2026-01-15 23:30 UTC is already the 16th in Tokyo and still the 15th in New York.
    const at = new Date(Date.UTC(2026, 0, 15, 23, 30));
    assert.deepEqual(zonedParts(at, 'Asia/Tokyo'), { year: 2026, month: 1, day: 16, hour: 8, minute: 30 });
    assert.deepEqual(zonedParts(at, 'America/New_York'), { year: 2026, month: 1, day: 15, hour: 18, minute: 30 });
    assert.equal(zonedDate(at, 'UTC'), '2026-01-15');
  }
  const skipped: string[] = [];
  assert.equal(resolveTimeZone(['Mars/Olympus_Mons'], { env: { TZ: 'Europe/Paris' }, onInvalid: (z) => skipped.push(z) }), 'Europe/Paris');
  assert.deepEqual(skipped, ['Mars/Olympus_Mons'], 'a cached invalid zone is still reported');
});
