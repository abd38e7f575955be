/**
 * State files and logs hold message text and secrets: files 0600 and folders 0700 whatever the
 * umask, and a rewrite keeps the file's mode.
 */
import assert from 'node:assert/strict';
import { chmod, mkdir, mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test, type TestContext } from 'node:test';
import { recordHookTrigger } from '../../src/shared/automation/cron-jobs-file.js';
import { RotatingFile } from '../../src/shared/log/rotating-file.js';
import { writeFileAtomic } from '../../src/shared/store/atomic-write.js';
import { seedHome } from '../../src/shared/home/seed.js';
import { fileURLToPath } from 'node:url';

const UMASKS = [0o022, 0o000];
const modeOf = async (path: string) => (await stat(path)).mode & 0o777;
const octal = (mode: number) => mode.toString(8).padStart(3, '0');

async function scratch(t: TestContext, mask: number): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'ductor-modes-'));
  const previous = process.umask(mask);
  t.after(async () => {
    process.umask(previous);
    await rm(dir, { recursive: true, force: true });
  });
  return dir;
}

for (const mask of UMASKS) {
  test(`umask ${octal(mask)}: a new state file is 0600 in a new 0700 folder`, async (t) => {
    const dir = await scratch(t, mask);
    const file = join(dir, 'state', 'sessions.json');
    await writeFileAtomic(file, '{}\n');
    assert.equal(octal(await modeOf(file)), '600');
    assert.equal(octal(await modeOf(join(dir, 'state'))), '700');
  });

  test(`umask ${octal(mask)}: a rewrite keeps the file's mode (webhooks.json stays 0600 after a trigger count)`, async (t) => {
    const dir = await scratch(t, mask);
    const hooks = join(dir, 'webhooks.json');
    await writeFile(hooks, `${JSON.stringify({ hooks: [{ id: 'h1', trigger_count: 0 }] })}\n`);
    await chmod(hooks, 0o600);
    assert.equal(await recordHookTrigger(hooks, 'h1', new Date().toISOString(), 'ok'), true);
    assert.equal(octal(await modeOf(hooks)), '600');
    assert.match(await readFile(hooks, 'utf8'), /"trigger_count": 1/);

    // A mode the user chose on purpose is kept too.
    const shared = join(dir, 'notes.json');
    await writeFile(shared, '{}\n');
    await chmod(shared, 0o640);
    await writeFileAtomic(shared, '{"a":1}\n');
    assert.equal(octal(await modeOf(shared)), '640');
  });

  test(`umask ${octal(mask)}: log files are 0600 in a 0700 folder, also after rotation`, async (t) => {
    const dir = await scratch(t, mask);
    const path = join(dir, 'logs', 'agent-main.log');
    const log = new RotatingFile(path, 200, 2);
    t.after(() => log.end());
    log.write(`${'x'.repeat(150)}\n`);
    log.write(`${'y'.repeat(150)}\n`);
    log.flushSync();
    assert.equal(octal(await modeOf(join(dir, 'logs'))), '700');
    assert.equal(octal(await modeOf(path)), '600');
    assert.equal(octal(await modeOf(`${path}.1`)), '600');
  });

  test(`umask ${octal(mask)}: seeding makes the home 0700`, async (t) => {
    const dir = await scratch(t, mask);
    const home = join(dir, 'home');
    const defaultsDir = fileURLToPath(new URL('../../home-defaults', import.meta.url));
    // A config folder made by hand (or by onboarding under a loose umask) is tightened too.
    await mkdir(join(home, 'config'), { recursive: true, mode: 0o777 });
    await chmod(join(home, 'config'), 0o777);
    await seedHome(home, { role: 'main', defaultsDir });
    assert.equal(octal(await modeOf(home)), '700');
    for (const dir of ['config', 'logs', 'run']) assert.equal(octal(await modeOf(join(home, dir))), '700', dir);
  });
}

test('a log file made world-readable by an older version is owner-only again when opened', async (t) => {
  const dir = await scratch(t, 0o022);
  const path = join(dir, 'logs', 'transport.log');
  await rm(join(dir, 'logs'), { recursive: true, force: true });
  await writeFileAtomic(path, 'old line\n', { mode: 0o644 });
  await chmod(path, 0o644);
  await chmod(join(dir, 'logs'), 0o755);
  const log = new RotatingFile(path);
  t.after(() => log.end());
  assert.equal(octal(await modeOf(path)), '600');
  assert.equal(octal(await modeOf(join(dir, 'logs'))), '700');
});
