/** SHAREDMEMORY.md mirrored into MAINMEMORY.md between the marker lines. */
import assert from 'node:assert/strict';
import { readFile, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { test } from 'node:test';
import pino from 'pino';
import { mergeSharedBlock, SHARED_END, SHARED_START, SharedMemorySync } from '../../src/workers/agent/delegation/shared-memory.js';
import { tmpHome } from '../helpers/tmp-home.js';

test('the block is appended once, replaced in place, and legacy markers are rewritten', () => {
  const first = mergeSharedBlock('# Memory\n\nlikes tea\n', 'fact one');
  assert.equal(first, `# Memory\n\nlikes tea\n\n${SHARED_START}\nfact one\n${SHARED_END}\n`);
  const second = mergeSharedBlock(`${first}after\n`, 'fact two');
  assert.equal(second, `# Memory\n\nlikes tea\n\n${SHARED_START}\nfact two\n${SHARED_END}\nafter\n`);
  assert.equal(mergeSharedBlock(second, 'fact two'), second);
  const legacy = mergeSharedBlock('a\n<!-- SHARED:START -->\nold\n<!-- SHARED:END -->\nb\n', 'new');
  assert.equal(legacy, `a\n${SHARED_START}\nnew\n${SHARED_END}\nb\n`);
});

test('sync creates the shared file for main, mirrors changes, and leaves an unchanged memory file alone', async (t) => {
  const home = await tmpHome(t);
  const shared = join(home, 'SHAREDMEMORY.md');
  const memory = join(home, 'MAINMEMORY.md');
  await writeFile(memory, '# Memory\n');
  const sync = new SharedMemorySync(shared, memory, pino({ level: 'silent' }), true);
  await sync.start();
  t.after(() => sync.stop());
  assert.match(await readFile(shared, 'utf8'), /Shared knowledge/);
  assert.match(await readFile(memory, 'utf8'), new RegExp(`${SHARED_START}\\n# Shared knowledge`));
  const before = (await stat(memory)).mtimeMs;
  assert.equal(await sync.sync(), false, 'unchanged shared file: nothing written');
  assert.equal((await stat(memory)).mtimeMs, before);
  await writeFile(shared, 'the office moved to Berlin\n');
  assert.equal(await sync.sync(), true);
  assert.match(await readFile(memory, 'utf8'), /the office moved to Berlin\n--- SHARED KNOWLEDGE END ---/);
});
