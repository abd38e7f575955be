/** Config files hold the bot token: written 0600, and a looser existing file is tightened on save. */
import assert from 'node:assert/strict';
import { chmod, mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { writeFileAtomic } from '../../src/shared/store/atomic-write.js';
import { updateConfigKeys } from '../../src/shared/config/load.js';

const modeOf = async (file: string) => (await stat(file)).mode & 0o777;

test('a new config file is written 0600 and an existing 0644 one becomes 0600 on save', async (t) => {
  const dir = await mkdtemp(join(tmpdir(), 'ductor-mode-'));
  t.after(() => rm(dir, { recursive: true, force: true }));
  const fresh = join(dir, 'config', 'config.json');
  await writeFileAtomic(fresh, '{}\n', { ownerOnly: true });
  assert.equal(await modeOf(fresh), 0o600);

  const loose = join(dir, 'loose.json');
  await writeFile(loose, '{"telegram_token":"x"}\n');
  await chmod(loose, 0o644);
  await writeFileAtomic(loose, '{"telegram_token":"y"}\n', { ownerOnly: true });
  assert.equal(await modeOf(loose), 0o600);
  assert.equal(await readFile(loose, 'utf8'), '{"telegram_token":"y"}\n');

  const owner = join(dir, 'owner-only.json');
  await writeFile(owner, '{}\n');
  await chmod(owner, 0o400);
  await writeFileAtomic(owner, '{"a":1}\n', { ownerOnly: true });
  assert.equal(await modeOf(owner), 0o400, 'owner bits are kept as they were');
});

test('updateConfigKeys (ductor docker, /model …) tightens a 0644 config', async (t) => {
  const dir = await mkdtemp(join(tmpdir(), 'ductor-mode-'));
  t.after(() => rm(dir, { recursive: true, force: true }));
  const file = join(dir, 'config.json');
  await writeFile(file, `${JSON.stringify({ telegram_token: '123:abc', allowed_user_ids: [1] })}\n`);
  await chmod(file, 0o644);
  await updateConfigKeys(file, { model: 'sonnet' });
  assert.equal(await modeOf(file), 0o600);
});
