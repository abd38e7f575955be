/**
 * The launcher's compile cache (src/launcher/launch.ts): Node's own, where Node has one (22.1 and
 * later), in `<cache>/ductor/compile-cache`; nothing at all on Node 20, and never with
 * DUCTOR_NO_CODE_CACHE=1.
 */
import assert from 'node:assert/strict';
import Module from 'node:module';
import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { test } from 'node:test';
import { spawnDuctor } from '../helpers/spawn-ductor.js';
import { tmpHome, writeConfig } from '../helpers/tmp-home.js';

const NODE_HAS_COMPILE_CACHE = typeof (Module as unknown as { enableCompileCache?: unknown }).enableCompileCache === 'function';

/** Every file under `dir`, at any depth (Node keeps its cache in folders of its own). */
async function filesUnder(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true }).catch(() => []);
  return entries.filter((e) => e.isFile()).map((e) => e.name);
}

async function startAndStop(t: Parameters<typeof tmpHome>[0], env: NodeJS.ProcessEnv): Promise<void> {
  const home = await tmpHome(t);
  await writeConfig(home);
  const ductor = await spawnDuctor(t, home, env);
  ductor.child.kill('SIGTERM');
  assert.equal(await ductor.waitForExit(), 0, ductor.output());
}

test('a start leaves Node’s compile cache in the ductor cache folder where Node has one, and no cache of its own on Node 20', async (t) => {
  const cacheHome = await tmpHome(t, 'ductor-cache-');
  await startAndStop(t, { XDG_CACHE_HOME: cacheHome });
  const everything = await filesUnder(cacheHome);
  if (NODE_HAS_COMPILE_CACHE) {
    assert.ok((await filesUnder(join(cacheHome, 'ductor', 'compile-cache'))).length > 0, `Node ${process.version} wrote its compile cache`);
  } else {
    assert.deepEqual(everything, [], `Node ${process.version} has no public compile cache: nothing is written`);
  }
});

test('DUCTOR_NO_CODE_CACHE=1 starts without writing a cache', async (t) => {
  const cacheHome = await tmpHome(t, 'ductor-cache-');
  await startAndStop(t, { XDG_CACHE_HOME: cacheHome, DUCTOR_NO_CODE_CACHE: '1' });
  assert.deepEqual(await filesUnder(cacheHome), []);
});
