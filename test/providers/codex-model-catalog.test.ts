// /model's codex list comes from the installed codex (`codex app-server` model/list), cached in
// config/codex_models.json; not from a list built into ductor.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm, writeFile, mkdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CodexModelCatalog } from '../../src/workers/agent/providers/codex-model-catalog.js';
import { CODEX_FALLBACK_MODELS } from '../../src/shared/models.js';
import { makeRealCliHome, realBinary, realCliSkipReason, removeRealCliHome } from './real-cli-env.js';

const skip = realCliSkipReason();

test('the installed codex is asked for its models; the list is cached and offered', { skip, timeout: 90_000 }, async (t) => {
  const h = makeRealCliHome('codex', 'http://127.0.0.1:9/v1');
  t.after(() => removeRealCliHome(h));
  const cacheFile = join(h.home, 'config', 'codex_models.json');
  const catalog = new CodexModelCatalog({ cacheFile, binary: realBinary('codex'), env: h.env });
  t.after(() => catalog.stop());
  await catalog.start({ discover: true });
  const ids = catalog.ids();
  assert.ok(ids.length > 0, 'the real codex listed models');
  for (const fallback of CODEX_FALLBACK_MODELS) assert.ok(!ids.includes(fallback) || ids.length > CODEX_FALLBACK_MODELS.length, 'not the built-in fallback list');
  const cached = JSON.parse(await readFile(cacheFile, 'utf8')) as { last_updated: string; models: Array<{ id: string }> };
  assert.deepEqual(cached.models.map((m) => m.id), ids);
  assert.ok(!Number.isNaN(Date.parse(cached.last_updated)));
  assert.ok(catalog.models().some((m) => m.is_default), 'the default model is marked');
});

test('a cached list is offered at once; a codex that cannot be asked keeps the cache', async (t) => {
  const dir = await mkdtemp(join(tmpdir(), 'ductor-codex-models-'));
  t.after(() => rm(dir, { recursive: true, force: true }));
  const cacheFile = join(dir, 'config', 'codex_models.json');
  await mkdir(join(dir, 'config'), { recursive: true });
  const model = { id: 'gpt-cached', display_name: 'GPT cached', description: '', supported_efforts: ['low', 'high'], default_effort: 'low', is_default: true };
  // Two days old: due for renewal, so codex is asked (and cannot answer).
  await writeFile(cacheFile, JSON.stringify({ last_updated: new Date(Date.now() - 2 * 86_400_000).toISOString(), models: [model] }));
  const errors: unknown[] = [];
  const catalog = new CodexModelCatalog({ cacheFile, binary: join(dir, 'no-such-codex'), onError: (error) => errors.push(error) });
  t.after(() => catalog.stop());
  await catalog.start({ discover: true });
  assert.equal(errors.length, 1, 'codex was asked');
  assert.deepEqual(catalog.ids(), ['gpt-cached']);
  assert.deepEqual(catalog.effortsOf('gpt-cached'), ['low', 'high']);
  assert.deepEqual(JSON.parse(await readFile(cacheFile, 'utf8')).models, [model], 'a failed discovery never overwrites the cache');
});

test('a fresh cache is not asked again at start, and an agent that does not discover never spawns codex', async (t) => {
  const dir = await mkdtemp(join(tmpdir(), 'ductor-codex-models-'));
  t.after(() => rm(dir, { recursive: true, force: true }));
  const cacheFile = join(dir, 'config', 'codex_models.json');
  await mkdir(join(dir, 'config'), { recursive: true });
  const model = { id: 'gpt-fresh', display_name: 'GPT fresh', description: '', supported_efforts: [], default_effort: null, is_default: true };
  await writeFile(cacheFile, JSON.stringify({ last_updated: new Date().toISOString(), models: [model] }));
  const errors: unknown[] = [];
  const fresh = new CodexModelCatalog({ cacheFile, binary: join(dir, 'no-such-codex'), onError: (error) => errors.push(error) });
  t.after(() => fresh.stop());
  await fresh.start({ discover: true });
  assert.deepEqual(fresh.ids(), ['gpt-fresh']);
  await rm(cacheFile);
  const reader = new CodexModelCatalog({ cacheFile, binary: join(dir, 'no-such-codex'), onError: (error) => errors.push(error) });
  t.after(() => reader.stop());
  await reader.start({ discover: false });
  assert.deepEqual(errors, [], 'codex was never asked');
});
