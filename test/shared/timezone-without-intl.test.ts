/**
 * The wall clock in UTC and in the host's own zone comes from Date, not Intl: the first
 * Intl.DateTimeFormat of a process reads ICU's locale data, ~6.5 MiB of the node binary that then
 * stays resident, and an idle scheduler reads the quiet-hours clock on every heartbeat check.
 * Intl.DateTimeFormat is replaced by one that throws (Intl is not ours to reach otherwise); the
 * answers are compared with what the real Intl says.
 */
import assert from 'node:assert/strict';
import { readlinkSync } from 'node:fs';
import { test } from 'node:test';
import { hostLocalZone, isValidTimezone, wallClock, type WallClock } from '../../src/shared/config/timezone.js';
import { resolveTimeZone, zonedParts } from '../../src/workers/scheduler/time-zone.js';

const RealDateTimeFormat = Intl.DateTimeFormat;

function intlWallClock(date: Date, timeZone: string): WallClock {
  const parts = new RealDateTimeFormat('en-US', {
    timeZone, hourCycle: 'h23', year: 'numeric', month: 'numeric', day: 'numeric', hour: 'numeric', minute: 'numeric', second: 'numeric',
  }).formatToParts(date);
  const pick = (type: Intl.DateTimeFormatPartTypes): number => Number(parts.find((p) => p.type === type)?.value);
  return { year: pick('year'), month: pick('month'), day: pick('day'), hour: pick('hour'), minute: pick('minute'), second: pick('second') };
}

/** The host zone as the system links it, or null (then only UTC is checked). */
function linkedHostZone(): string | null {
  try {
    const target = readlinkSync('/etc/localtime');
    const at = target.indexOf('/zoneinfo/');
    return at === -1 ? null : target.slice(at + '/zoneinfo/'.length);
  } catch {
    return null;
  }
}

const DATES = [Date.UTC(2026, 0, 15, 23, 30, 5), Date.UTC(2026, 6, 1, 0, 0, 0), Date.UTC(2026, 2, 29, 1, 59, 59), Date.UTC(2024, 1, 29, 12, 0, 0)].map((ms) => new Date(ms));

test('UTC and the host zone are read from Date without building an Intl.DateTimeFormat, with the answers Intl gives', (t) => {
  const savedTz = process.env.TZ;
  delete process.env.TZ; // Date's local time follows /etc/localtime only while TZ is unset
  t.after(() => {
    Intl.DateTimeFormat = RealDateTimeFormat;
    if (savedTz !== undefined) process.env.TZ = savedTz;
  });
  const host = process.platform === 'win32' ? null : linkedHostZone();
  const zones = ['UTC', 'Etc/UTC', ...(host ? [host] : [])];
  const expected = zones.map((zone) => DATES.map((date) => intlWallClock(date, zone)));

  let built = 0;
  Intl.DateTimeFormat = function refused() {
    built += 1;
    throw new Error('Intl.DateTimeFormat was built');
  } as unknown as typeof Intl.DateTimeFormat;

  assert.equal(hostLocalZone(), host);
  zones.forEach((zone, z) => {
    assert.equal(isValidTimezone(zone), true, zone);
    DATES.forEach((date, d) => assert.deepEqual(wallClock(date, zone), expected[z]![d], `${zone} at ${date.toISOString()}`));
    const { second: _second, ...minuteParts } = expected[z]![0]!;
    assert.deepEqual(zonedParts(DATES[0]!, zone), minuteParts);
  });
  // No zone configured and no TZ: the scheduler takes the host's zone from its link.
  assert.equal(resolveTimeZone([], { env: {} }), host ?? 'UTC');
  assert.equal(built, 0);
});

test('another zone is still read through Intl, and an unknown one is still refused', () => {
  const at = new Date(Date.UTC(2026, 0, 15, 23, 30));
  assert.deepEqual(wallClock(at, 'Asia/Tokyo'), { year: 2026, month: 1, day: 16, hour: 8, minute: 30, second: 0 });
  assert.equal(isValidTimezone('Mars/Olympus_Mons'), false);
});
