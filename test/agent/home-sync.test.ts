import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { mkdir, readFile, utimes, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { test } from 'node:test';
import { silentLogger } from '../../src/shared/log/logger.js';
import { startHomeSync } from '../../src/workers/agent/home-sync.js';
import { tmpHome } from '../helpers/tmp-home.js';
import { waitFor } from '../helpers/wait-for.js';

test('the main agent syncs rule files and skills at start and takes its CLI links back on stop', async (t) => {
  const home = await tmpHome(t, 'ductor-homesync-');
  const user = await tmpHome(t, 'ductor-homesync-user-');
  await mkdir(join(user, '.claude'), { recursive: true });
  await mkdir(join(home, 'workspace', 'skills', 'notes'), { recursive: true });
  await writeFile(join(home, 'workspace', 'skills', 'notes', 'SKILL.md'), '# notes\n');
  await writeFile(join(home, 'workspace', 'CLAUDE.md'), 'old');
  await utimes(join(home, 'workspace', 'CLAUDE.md'), new Date(1_000), new Date(1_000));
  await writeFile(join(home, 'workspace', 'AGENTS.md'), 'new');

  const sync = startHomeSync({ agentHome: home, isMain: true, log: silentLogger(), env: {}, userHome: user });
  await waitFor(() => existsSync(join(user, '.claude', 'skills', 'notes', 'SKILL.md')), { message: 'skill linked into ~/.claude/skills' });
  await waitFor(async () => (await readFile(join(home, 'workspace', 'CLAUDE.md'), 'utf8')) === 'new', { message: 'CLAUDE.md synced' });
  await sync.stop();
  assert.equal(existsSync(join(user, '.claude', 'skills', 'notes')), false);
  assert.ok(existsSync(join(home, 'workspace', 'skills', 'notes', 'SKILL.md')));
});
