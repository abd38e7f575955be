import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, rm, symlink, utimes, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { isCleanupDue, planCleanup, type TreeEntry } from '../../src/workers/scheduler/cleanup-plan.js';
import { cleanupFolder, cleanupTargets, scanTree } from '../../src/workers/scheduler/cleanup.js';

const DAY = 86_400_000;
const NOW = Date.parse('2025-06-30T03:00:00Z');

test('planner: top-level entries only; an old folder goes whole, recent entries stay', () => {
  const old = NOW - 40 * DAY;
  const fresh = NOW - 2 * DAY;
  const entries: TreeEntry[] = [
    { path: 'a.txt', kind: 'file', mtimeMs: old },
    { path: 'b.txt', kind: 'file', mtimeMs: fresh },
    { path: '2025-05-01', kind: 'dir', mtimeMs: old },
    { path: '2025-06-28', kind: 'dir', mtimeMs: fresh },
    { path: 'pipe', kind: 'other', mtimeMs: old },
    { path: 'link', kind: 'symlink', mtimeMs: old },
    // A deeper listing is ignored: the scope is the root's direct children.
    { path: '2025-06-28/old-inside.jpg', kind: 'file', mtimeMs: old },
  ];
  const plan = planCleanup(entries, { nowMs: NOW, retentionDays: 30 });
  assert.deepEqual(plan.files.sort(), ['a.txt', 'link']);
  assert.deepEqual(plan.dirs, ['2025-05-01']);
  assert.deepEqual(planCleanup(entries, { nowMs: NOW, retentionDays: 0 }), { files: [], dirs: [] }, '0 days keeps everything');
});

test('due once a day at the check hour in the user zone', () => {
  const at3 = new Date('2025-06-30T01:00:00Z'); // 03:00 in Berlin (summer)
  assert.equal(isCleanupDue(at3, 'Europe/Berlin', 3, null), true);
  assert.equal(isCleanupDue(at3, 'Europe/Berlin', 3, '2025-06-29'), true);
  assert.equal(isCleanupDue(at3, 'Europe/Berlin', 3, '2025-06-30'), false, 'already ran today');
  assert.equal(isCleanupDue(at3, 'UTC', 3, null), false, 'it is 01:00 in UTC');
});

test('executor removes old top-level entries whole, keeps recent folders intact, never follows a symlink', async (t) => {
  const base = await mkdtemp(join(tmpdir(), 'ductor-cleanup-'));
  t.after(() => rm(base, { recursive: true, force: true }));
  const root = join(base, 'telegram_files');
  const outside = join(base, 'precious');
  await mkdir(join(root, '2025-05-01', 'nested'), { recursive: true });
  await mkdir(join(root, '2025-06-29'), { recursive: true });
  await mkdir(outside);
  await writeFile(join(outside, 'keep.txt'), 'do not touch');
  await writeFile(join(root, '2025-05-01', 'old.jpg'), 'x');
  await writeFile(join(root, '2025-05-01', 'nested', 'x.bin'), 'x');
  // A link inside an old folder: removing the folder must not reach through it.
  await symlink(outside, join(root, '2025-05-01', 'inner-link'));
  await writeFile(join(root, '2025-06-29', 'ancient-but-inside-a-fresh-folder.jpg'), 'x');
  await writeFile(join(root, 'fresh.txt'), 'x');
  await writeFile(join(root, 'stale.txt'), 'x');
  await symlink(outside, join(root, 'escape'));
  const old = new Date(NOW - 60 * DAY);
  await utimes(join(outside, 'keep.txt'), old, old);
  await utimes(join(outside), old, old);
  await utimes(join(root, '2025-05-01', 'old.jpg'), old, old);
  await utimes(join(root, '2025-05-01'), old, old);
  await utimes(join(root, '2025-06-29', 'ancient-but-inside-a-fresh-folder.jpg'), old, old);
  await utimes(join(root, 'stale.txt'), old, old);
  const fresh = new Date(NOW - DAY);
  await utimes(join(root, 'fresh.txt'), fresh, fresh);
  await utimes(join(root, '2025-06-29'), fresh, fresh);

  const scanned = await scanTree(root);
  assert.deepEqual(scanned.map((e) => e.path).sort(), ['2025-05-01', '2025-06-29', 'escape', 'fresh.txt', 'stale.txt']);
  assert.equal(scanned.find((e) => e.path === 'escape')?.kind, 'symlink');

  const result = await cleanupFolder(root, { retentionDays: 30, now: new Date(NOW) });
  assert.equal(existsSync(join(root, '2025-05-01')), false, 'the old dated folder went with its content');
  assert.equal(existsSync(join(root, 'stale.txt')), false);
  assert.equal(existsSync(join(root, 'fresh.txt')), true);
  assert.equal(
    existsSync(join(root, '2025-06-29', 'ancient-but-inside-a-fresh-folder.jpg')),
    true,
    'nothing below the top level is judged on its own',
  );
  assert.equal(existsSync(join(outside, 'keep.txt')), true, 'symlink targets are untouched');
  assert.equal(result.removedDirs, 1);
  assert.equal(result.deletedFiles, 1, 'stale.txt; the escape link itself is recent');
  assert.deepEqual(result.errors, []);
  assert.deepEqual(await scanTree(join(base, 'missing')), [], 'a missing folder is empty');
});

test('the targets cover media, output_to_user and api files with their retention', () => {
  const targets = cleanupTargets('/w', { media_files_days: 30, output_to_user_days: 7, api_files_days: 14 });
  assert.deepEqual(
    targets.map((x) => [x.root, x.retentionDays]),
    [
      [join('/w', 'telegram_files'), 30],
      [join('/w', 'matrix_files'), 30],
      [join('/w', 'output_to_user'), 7],
      [join('/w', 'api_files'), 14],
    ],
  );
});
