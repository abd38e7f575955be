/** The scheduler's loops with a controlled clock: heartbeat due/quiet/disabled, update check once per version, cleanup once a day. */
import assert from 'node:assert/strict';
import { mkdir, mkdtemp, readFile, rm, utimes, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { CleanupLoop } from '../../src/workers/scheduler/cleanup-loop.js';
import type { HeartbeatSettings, HeartbeatTarget } from '../../src/workers/scheduler/heartbeat-plan.js';
import { HeartbeatLoop } from '../../src/workers/scheduler/heartbeat-loop.js';
import { UpdateChecker } from '../../src/workers/scheduler/update-check.js';

const MINUTE = 60_000;

function heartbeat(overrides: Partial<HeartbeatSettings> = {}): HeartbeatSettings {
  return { enabled: true, interval_minutes: 30, cooldown_minutes: 5, quiet_start: 21, quiet_end: 8, prompt: 'p', ack_token: 'HEARTBEAT_OK', group_targets: [], ...overrides };
}

test('heartbeat polls each allowed user once per interval, never in quiet hours, and not when disabled', async () => {
  let now = new Date('2025-06-02T10:00:00Z');
  let settings = heartbeat();
  const ticks: Array<{ key: string; cooldown: number }> = [];
  const loop = new HeartbeatLoop({
    now: () => now,
    settings: () => ({ heartbeat: settings, allowedUserIds: [1, 2], timeZone: 'UTC' }),
    tick: async (target: HeartbeatTarget, cooldown) => {
      ticks.push({ key: target.key, cooldown });
      if (target.chatId === 1) throw new Error('one failing target does not stop the others');
      return { outcome: 'acked', reason: null };
    },
  });
  await loop.check();
  assert.equal(ticks.length, 0, 'nothing due right after start');
  now = new Date(now.getTime() + 30 * MINUTE);
  await loop.check();
  assert.deepEqual(ticks.map((t) => t.key), ['tg:1', 'tg:2']);
  assert.equal(ticks[0]!.cooldown, 5);
  now = new Date(now.getTime() + 10 * MINUTE);
  await loop.check();
  assert.equal(ticks.length, 2, 'not due again before the interval');
  now = new Date('2025-06-02T22:00:00Z');
  await loop.check();
  assert.equal(ticks.length, 2, 'quiet hours (21-8) skip the tick');
  now = new Date('2025-06-03T09:00:00Z');
  settings = heartbeat({ enabled: false });
  await loop.check();
  assert.equal(ticks.length, 2, 'disabled by a hot config change');
  settings = heartbeat();
  await loop.check();
  assert.equal(ticks.length, 4);
});

test('heartbeat group targets use their own interval and ack token', async () => {
  let now = new Date('2025-06-02T10:00:00Z');
  const seen: HeartbeatTarget[] = [];
  const loop = new HeartbeatLoop({
    now: () => now,
    settings: () => ({
      heartbeat: heartbeat({ group_targets: [{ enabled: true, chat_id: -100, topic_id: 7, interval_minutes: 5, ack_token: 'QUIET' }] }),
      allowedUserIds: [],
      timeZone: 'UTC',
    }),
    tick: async (target) => {
      seen.push(target);
      return { outcome: 'delivered', reason: null };
    },
  });
  now = new Date(now.getTime() + 5 * MINUTE);
  await loop.check();
  assert.equal(seen.length, 1);
  assert.equal(seen[0]!.key, 'tg:-100:7');
  assert.equal(seen[0]!.ackToken, 'QUIET');
});

test('the update check tells the user once per newer version and stays quiet when disabled', async (t) => {
  const dir = await mkdtemp(join(tmpdir(), 'ductor-upd-'));
  t.after(() => rm(dir, { recursive: true, force: true }));
  let latest = '0.1.0';
  let enabled = true;
  const told: string[] = [];
  const checker = new UpdateChecker({
    currentVersion: '0.1.0',
    stateFile: join(dir, 'update-check.json'),
    latest: async () => latest,
    enabled: () => enabled,
    notify: async ({ latest: text }) => {
      told.push(text);
    },
  });
  assert.equal(await checker.check(), null, 'same version');
  latest = '0.2.0';
  assert.equal(await checker.check(), '0.2.0');
  assert.equal(await checker.check(), null, 'told once');
  assert.match(told[0]!, /0\.2\.0/);
  assert.deepEqual(JSON.parse(await readFile(join(dir, 'update-check.json'), 'utf8')), { notified_version: '0.2.0' });
  latest = '0.10.0';
  enabled = false;
  assert.equal(await checker.check(), null, 'update_check: false');
  enabled = true;
  assert.equal(await checker.check(), '0.10.0', 'numeric comparison: 0.10 > 0.2');
  latest = 'garbage';
  assert.equal(await checker.check(), null);
  assert.equal(told.length, 2);
});

test('the update check tells about 1.0.0-beta.10 when 1.0.0-beta.2 runs: prerelease numbers compare as numbers', async (t) => {
  const dir = await mkdtemp(join(tmpdir(), 'ductor-update-'));
  t.after(() => rm(dir, { recursive: true, force: true }));
  const told: string[] = [];
  const checker = new UpdateChecker({
    currentVersion: '1.0.0-beta.2',
    stateFile: join(dir, 'update-check.json'),
    latest: async () => '1.0.0-beta.10',
    enabled: () => true,
    notify: async ({ latest }) => {
      told.push(latest);
    },
  });
  assert.equal(await checker.check(), '1.0.0-beta.10');
  assert.equal(told.length, 1);
});

test('cleanup runs once on the check hour and removes only files past their retention', async (t) => {
  const workspace = await mkdtemp(join(tmpdir(), 'ductor-clean-'));
  t.after(() => rm(workspace, { recursive: true, force: true }));
  const old = join(workspace, 'telegram_files', '2025-01-01', 'old.jpg');
  const fresh = join(workspace, 'output_to_user', 'fresh.pdf');
  await mkdir(join(workspace, 'telegram_files', '2025-01-01'), { recursive: true });
  await mkdir(join(workspace, 'output_to_user'), { recursive: true });
  await writeFile(old, 'x');
  await writeFile(fresh, 'y');
  let now = new Date('2025-06-02T02:30:00Z');
  const longAgo = new Date(now.getTime() - 40 * 24 * 60 * MINUTE);
  await utimes(old, longAgo, longAgo);
  await utimes(join(workspace, 'telegram_files', '2025-01-01'), longAgo, longAgo);
  const loop = new CleanupLoop({
    workspace,
    now: () => now,
    settings: () => ({ cleanup: { enabled: true, media_files_days: 30, output_to_user_days: 30, api_files_days: 30, check_hour: 3 }, timeZone: 'UTC' }),
  });
  assert.equal(await loop.check(), null, 'not the check hour');
  now = new Date('2025-06-02T03:05:00Z');
  const results = await loop.check();
  assert.ok(results);
  // Top-level entries only: the old dated folder goes whole, with the file in it.
  assert.equal(results.reduce((n, r) => n + r.deletedFiles + r.removedDirs, 0), 1);
  await assert.rejects(readFile(old));
  assert.equal(await readFile(fresh, 'utf8'), 'y');
  now = new Date('2025-06-02T03:45:00Z');
  assert.equal(await loop.check(), null, 'once a day');
});
