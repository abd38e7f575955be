/**
 * proper-lockfile is loaded on the first cross-process lock, not when a worker starts: with it
 * come signal-exit (which hooks the process's signals) and graceful-fs, ~0.5 MiB of V8 heap and
 * malloc in a worker that never takes such a lock (the idle transport and scheduler).
 * Checked in a fresh Node process on the compiled module (the test runner has loaded it already).
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath, pathToFileURL } from 'node:url';

const COMPILED = pathToFileURL(fileURLToPath(new URL('../../dist/src/shared/store/file-lock.js', import.meta.url))).href;

test('importing the file lock neither loads proper-lockfile nor hooks signals; the first cross-process lock loads them and works', async (t) => {
  const dir = await mkdtemp(join(tmpdir(), 'ductor-lazy-lock-'));
  t.after(() => rm(dir, { recursive: true, force: true }));
  const script = `
    import { createRequire } from 'node:module';
    const loaded = () => ({
      lockfile: Object.keys(createRequire(import.meta.url).cache).some((f) => f.includes('proper-lockfile')),
      signalExit: process.__signal_exit_emitter__ !== undefined,
    });
    const { withFileLock } = await import(${JSON.stringify(COMPILED)});
    const afterImport = loaded();
    const inside = await withFileLock(${JSON.stringify(join(dir, 'state.json'))}, async () => 'ran');
    process.stdout.write(JSON.stringify({ afterImport, inside, afterLock: loaded() }));
  `;
  const out = JSON.parse(execFileSync(process.execPath, ['--input-type=module', '-e', script], { encoding: 'utf8' })) as unknown;
  assert.deepEqual(out, { afterImport: { lockfile: false, signalExit: false }, inside: 'ran', afterLock: { lockfile: true, signalExit: true } });
});
