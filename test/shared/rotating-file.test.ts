import assert from 'node:assert/strict';
import { existsSync, statSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { RotatingFile } from '../../src/shared/log/rotating-file.js';

test('RotatingFile rotates by bytes: multi-byte text never pushes the file past its limit', async (t) => {
  const dir = await mkdtemp(join(tmpdir(), 'ductor-rotate-'));
  t.after(() => rm(dir, { recursive: true, force: true }));
  const path = join(dir, 'agent.log');
  const file = new RotatingFile(path, 100, 2);
  file.write(`${'a'.repeat(59)}\n`);
  // 30 characters but 60 bytes: 60 + 60 bytes is over the 100-byte limit.
  file.write(`${'é'.repeat(29)}\n`);
  file.flushSync();
  file.end();
  assert.ok(existsSync(`${path}.1`), 'the first line went to agent.log.1');
  assert.equal(statSync(`${path}.1`).size, 60);
  assert.equal(statSync(path).size, 59);
});
