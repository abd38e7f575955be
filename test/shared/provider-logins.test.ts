import assert from 'node:assert/strict';
import { chmod, mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { test } from 'node:test';
import { loggedInProviders } from '../../src/shared/home/provider-logins.js';
import { tmpHome } from '../helpers/tmp-home.js';

test('finds no login in an empty home, so every rule file is deployed', async (t) => {
  const user = await tmpHome(t);
  assert.deepEqual(await loggedInProviders({ env: { PATH: '' }, userHome: user }), []);
});

test('reads logins from the CLIs files and variables, Gemini only when its CLI is on PATH', async (t) => {
  const user = await tmpHome(t);
  const bin = join(user, 'bin');
  await mkdir(join(user, '.codex'), { recursive: true });
  await writeFile(join(user, '.codex', 'auth.json'), '{}');
  await writeFile(join(user, '.claude.json'), JSON.stringify({ oauthAccount: { emailAddress: 'a@b.c' } }));
  assert.deepEqual(await loggedInProviders({ env: { PATH: bin, GEMINI_API_KEY: 'k' }, userHome: user }), ['claude', 'codex']);

  await mkdir(bin, { recursive: true });
  await writeFile(join(bin, 'gemini'), '#!/bin/sh\n');
  await chmod(join(bin, 'gemini'), 0o755);
  assert.deepEqual(await loggedInProviders({ env: { PATH: bin }, userHome: user, geminiApiKey: 'from-config' }), ['claude', 'codex', 'gemini']);
  const codexElsewhere = join(user, 'elsewhere');
  assert.deepEqual(await loggedInProviders({ env: { PATH: bin, CODEX_HOME: codexElsewhere }, userHome: user }), ['claude']);
});
