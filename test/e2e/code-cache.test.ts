/**
 * The launcher's V8 code cache (src/launcher/launch.ts): written once a process has started,
 * used as it is by the next start, replaced when it does not fit, never required.
 */
import assert from 'node:assert/strict';
import { readdir, readFile, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { test } from 'node:test';
import { spawnDuctor } from '../helpers/spawn-ductor.js';
import { tmpHome, writeConfig } from '../helpers/tmp-home.js';
import { waitFor } from '../helpers/wait-for.js';

const BUNDLES = ['agent-worker', 'cli', 'scheduler-worker', 'transport-worker'];

async function cacheFiles(cacheHome: string): Promise<string[]> {
  const dir = join(cacheHome, 'ductor', 'code-cache');
  return (await readdir(dir).catch(() => [] as string[])).filter((name) => name.endsWith('.bin')).sort();
}

async function startAndStop(t: Parameters<typeof tmpHome>[0], home: string, env: NodeJS.ProcessEnv): Promise<void> {
  const ductor = await spawnDuctor(t, home, env);
  ductor.child.kill('SIGTERM');
  assert.equal(await ductor.waitForExit(), 0, ductor.output());
}

/** A first start on a fresh home with a cache folder of its own; returns the cache files it wrote. */
async function firstStart(t: Parameters<typeof tmpHome>[0]): Promise<{ home: string; env: NodeJS.ProcessEnv; dir: string; files: string[] }> {
  const home = await tmpHome(t);
  const cacheHome = await tmpHome(t, 'ductor-cache-');
  await writeConfig(home);
  const env = { XDG_CACHE_HOME: cacheHome };
  await startAndStop(t, home, env);
  const files = await waitFor(async () => {
    const found = await cacheFiles(cacheHome);
    return found.length === BUNDLES.length ? found : null;
  }, { timeoutMs: 10_000, message: 'one cache file per bundle' });
  return { home, env, dir: join(cacheHome, 'ductor', 'code-cache'), files };
}

test('the first start saves a code cache per bundle; the next start uses it unchanged', async (t) => {
  const { home, env, dir, files } = await firstStart(t);
  assert.deepEqual(files.map((f) => BUNDLES.find((b) => f.startsWith(`${b}-`))), BUNDLES);
  const before = await Promise.all(files.map(async (f) => (await stat(join(dir, f))).mtimeMs));
  await startAndStop(t, home, env);
  const after = await Promise.all(files.map(async (f) => (await stat(join(dir, f))).mtimeMs));
  assert.deepEqual(after, before, 'an accepted cache is not written again');
});

test('a damaged cache costs only a normal compile and is replaced', async (t) => {
  const { home, env, dir, files } = await firstStart(t);
  const garbage = Buffer.from('not a V8 code cache '.repeat(50));
  for (const f of files) await writeFile(join(dir, f), garbage);
  await startAndStop(t, home, env);
  for (const f of files) assert.notDeepEqual(await readFile(join(dir, f)), garbage, `${f} was rewritten`);
});

test('DUCTOR_NO_CODE_CACHE=1 starts without reading or writing a cache', async (t) => {
  const home = await tmpHome(t);
  const cacheHome = await tmpHome(t, 'ductor-cache-');
  await writeConfig(home);
  await startAndStop(t, home, { XDG_CACHE_HOME: cacheHome, DUCTOR_NO_CODE_CACHE: '1' });
  assert.deepEqual(await cacheFiles(cacheHome), []);
});
