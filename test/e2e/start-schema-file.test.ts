/**
 * `ductor start` brings config/config.schema.json (what config.json's "$schema" points to) up to
 * this version's keys. It is written once the workers are ready, off the start's critical path,
 * and a stale file is replaced.
 */
import assert from 'node:assert/strict';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { test } from 'node:test';
import { spawnDuctor } from '../helpers/spawn-ductor.js';
import { tmpHome, writeConfig } from '../helpers/tmp-home.js';
import { waitFor } from '../helpers/wait-for.js';

test('a start replaces a stale config.schema.json with this version’s schema once the workers are ready', async (t) => {
  const home = await tmpHome(t);
  await writeConfig(home);
  const schemaFile = join(home, 'config', 'config.schema.json');
  await writeFile(schemaFile, '{"stale": true}\n');
  const ductor = await spawnDuctor(t, home);
  const schema = await waitFor(async () => {
    const parsed = JSON.parse(await readFile(schemaFile, 'utf8')) as { properties?: Record<string, { description?: string }> };
    return parsed.properties ? parsed : null;
  }, { message: 'config.schema.json rewritten' });
  assert.match(schema.properties!.telegram_token!.description!, /@BotFather/);
  ductor.child.kill('SIGTERM');
  assert.equal(await ductor.waitForExit(), 0, ductor.output());
});
