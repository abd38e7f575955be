import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { writeFileAtomic } from '../../src/shared/store/atomic-write.js';
import { withFileLock } from '../../src/shared/store/file-lock.js';

test('writers of one process take turns on a file in call order; a failing one does not block the rest', async (t) => {
  const dir = await mkdtemp(join(tmpdir(), 'ductor-lock-'));
  t.after(() => rm(dir, { recursive: true, force: true }));
  const file = join(dir, 'counter.json');
  await writeFile(file, '0');
  let inside = 0;
  let maxInside = 0;
  const order: number[] = [];
  const bump = (i: number) => withFileLock(file, async () => {
    inside++;
    maxInside = Math.max(maxInside, inside);
    const n = Number(await readFile(file, 'utf8'));
    await new Promise((resolve) => setImmediate(resolve));
    await writeFile(file, String(n + 1));
    order.push(i);
    inside--;
    if (i === 3) throw new Error('writer 3 fails');
  });
  const results = await Promise.allSettled(Array.from({ length: 40 }, (_, i) => bump(i)));
  assert.equal(results.filter((r) => r.status === 'rejected').length, 1, 'only writer 3 failed');
  assert.equal(await readFile(file, 'utf8'), '40', 'no update was lost');
  assert.equal(maxInside, 1, 'never two writers at once');
  assert.deepEqual(order, Array.from({ length: 40 }, (_, i) => i), 'in call order');
  // The lock folder is gone once everyone is done, and the file can be locked again at once.
  assert.equal(await withFileLock(file, async () => 'again'), 'again');
});

test('a file in folders that do not exist yet can be locked and written; the folders are made', async (t) => {
  const dir = await mkdtemp(join(tmpdir(), 'ductor-lock-'));
  t.after(() => rm(dir, { recursive: true, force: true }));
  const file = join(dir, 'a', 'b', 'state.json');
  await withFileLock(file, () => writeFileAtomic(file, '{"ok":true}'));
  assert.equal(await readFile(file, 'utf8'), '{"ok":true}');
  const other = join(dir, 'c', 'd', 'plain.json');
  await writeFileAtomic(other, 'x');
  assert.equal(await readFile(other, 'utf8'), 'x');
});
