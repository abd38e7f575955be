import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TestContext } from 'node:test';
import { detectAuth } from '../../src/workers/agent/providers/auth.js';
import { discoverCodexModels, isKnownModel, providerOfModel, readCodexModelCache } from '../../src/workers/agent/providers/models.js';
import { FAKE_CLI_DIR } from './replay.js';

function tempHome(t: TestContext): string {
  const home = mkdtempSync(join(tmpdir(), 'ductor-auth-'));
  t.after(() => rmSync(home, { recursive: true, force: true }));
  return home;
}

const noPath = (home: string) => ({ PATH: join(home, 'empty-bin') });

test('claude auth: credentials file, then API key, then the ~/.claude folder, else not found', async (t) => {
  const home = tempHome(t);
  assert.equal((await detectAuth('claude', { home, env: noPath(home) })).status, 'not_found');
  mkdirSync(join(home, '.claude'));
  assert.equal((await detectAuth('claude', { home, env: noPath(home) })).status, 'installed');
  assert.deepEqual(await detectAuth('claude', { home, env: { ...noPath(home), ANTHROPIC_API_KEY: 'k' } }), { provider: 'claude', status: 'authenticated', source: 'ANTHROPIC_API_KEY' });
  writeFileSync(join(home, '.claude', '.credentials.json'), '{}');
  const info = await detectAuth('claude', { home, env: noPath(home) });
  assert.equal(info.source, 'credentials file');
  assert.ok(info.ageMs !== undefined && info.ageMs >= 0);
});

test('codex auth: auth.json under CODEX_HOME, OPENAI_API_KEY, installed markers', async (t) => {
  const home = tempHome(t);
  const codexHome = join(home, 'ch');
  mkdirSync(codexHome);
  assert.equal((await detectAuth('codex', { home, env: { CODEX_HOME: codexHome } })).status, 'not_found');
  writeFileSync(join(codexHome, 'config.toml'), '');
  assert.equal((await detectAuth('codex', { home, env: { CODEX_HOME: codexHome } })).status, 'installed');
  assert.equal((await detectAuth('codex', { home, env: { CODEX_HOME: codexHome, OPENAI_API_KEY: 'k' } })).status, 'authenticated');
  writeFileSync(join(codexHome, 'auth.json'), '{}');
  assert.equal((await detectAuth('codex', { home, env: { CODEX_HOME: codexHome } })).source, 'auth.json');
});

test('gemini auth: no binary, key in ~/.gemini/.env, oauth-personal needs an active account', async (t) => {
  const home = tempHome(t);
  assert.equal((await detectAuth('gemini', { home, env: noPath(home) })).status, 'not_found');
  const env = { PATH: FAKE_CLI_DIR };
  mkdirSync(join(home, '.gemini'));
  writeFileSync(join(home, '.gemini', 'settings.json'), JSON.stringify({ security: { auth: { selectedType: 'oauth-personal' } } }));
  assert.equal((await detectAuth('gemini', { home, env })).status, 'installed');
  writeFileSync(join(home, '.gemini', 'google_accounts.json'), JSON.stringify({ active: 'me@example.com' }));
  assert.equal((await detectAuth('gemini', { home, env })).source, 'oauth-personal');
  writeFileSync(join(home, '.gemini', '.env'), 'export GEMINI_API_KEY="abc"\n');
  assert.equal((await detectAuth('gemini', { home, env })).source, '~/.gemini/.env');
});

test('model ids map to their CLI; codex ids must be in the discovered list', () => {
  assert.equal(providerOfModel('opus[1m]'), 'claude');
  assert.equal(providerOfModel('claude-sonnet-4-5-20250929'), 'claude');
  assert.equal(providerOfModel('flash'), 'gemini');
  assert.equal(providerOfModel('auto-gemini-3'), 'gemini');
  assert.equal(providerOfModel('gpt-5.5'), 'codex');
  assert.equal(isKnownModel('gpt-5.5', []), false);
  assert.equal(isKnownModel('sonnet', []), true);
});

test('codex models are discovered through app-server JSON-RPC and read back from the cache file', async (t) => {
  const models = await discoverCodexModels({ binary: join(FAKE_CLI_DIR, 'codex'), timeoutMs: 10_000 });
  assert.deepEqual(models.map((m) => [m.id, m.is_default, m.supported_efforts.join(',')]), [
    ['gpt-5.5', true, 'low,medium,high'],
    ['gpt-5.5-codex-mini', false, 'medium'],
  ]);
  const home = tempHome(t);
  const file = join(home, 'codex_models.json');
  assert.deepEqual(await readCodexModelCache(file), { lastUpdated: null, models: [] });
  writeFileSync(file, JSON.stringify({ last_updated: '2026-11-23T00:00:00Z', models }));
  const cached = await readCodexModelCache(file);
  assert.equal(cached.lastUpdated, '2026-11-23T00:00:00Z');
  assert.equal(isKnownModel('gpt-5.5-codex-mini', cached.models), true);
});
