import assert from 'node:assert/strict';
import { mkdir, readFile, realpath, symlink } from 'node:fs/promises';
import { join } from 'node:path';
import { test, type TestContext } from 'node:test';
import { runDockerCommand } from '../../src/cli/commands/docker.js';
import { runCommand, type CommandRunner } from '../../src/shared/command-runner.js';
import { runDuctor } from '../helpers/spawn-ductor.js';
import { tmpHome, writeConfig } from '../helpers/tmp-home.js';
import { installFakeDocker } from '../sandbox/fake-docker.js';

async function configured(t: TestContext) {
  const home = await realpath(await tmpHome(t));
  const file = await writeConfig(home, { some_unknown_key: 'kept' });
  const readDocker = async () => (JSON.parse(await readFile(file, 'utf8')) as { docker: Record<string, unknown> }).docker;
  return { home, file, readDocker };
}

test('mount stores the resolved folder, rejects duplicates, and unmount matches by path or name', async (t) => {
  const { home, file, readDocker } = await configured(t);
  const photos = join(home, 'data', 'photos');
  await mkdir(photos, { recursive: true });
  await symlink(photos, join(home, 'link-to-photos'));

  const added = await runDuctor(home, ['docker', 'mount', join(home, 'link-to-photos')]);
  assert.equal(added.code, 0, added.stderr);
  assert.match(added.stdout, /mounted .*\/data\/photos at \/mnt\/photos\nrestart ductor to apply/);
  assert.deepEqual((await readDocker()).mounts, [photos]);

  const again = await runDuctor(home, ['docker', 'mount', photos]);
  assert.equal(again.code, 1);
  assert.match(again.stderr, /already mounted/);
  const missing = await runDuctor(home, ['docker', 'mount', join(home, 'nope')]);
  assert.equal(missing.code, 1);
  assert.match(missing.stderr, /not an existing folder/);

  const list = await runDuctor(home, ['docker', 'mounts']);
  assert.equal(list.stdout, `${photos} -> /mnt/photos\n`);

  const removed = await runDuctor(home, ['docker', 'unmount', 'photos']);
  assert.equal(removed.code, 0, removed.stderr);
  assert.deepEqual((await readDocker()).mounts, []);
  assert.equal((JSON.parse(await readFile(file, 'utf8')) as Record<string, unknown>).some_unknown_key, 'kept', 'only docker keys are touched');
});

test('extras-add brings dependencies, extras-remove refuses to break a dependent, extras lists them', async (t) => {
  const { home, readDocker } = await configured(t);
  const add = await runDuctor(home, ['docker', 'extras-add', 'easyocr']);
  assert.equal(add.code, 0, add.stderr);
  assert.match(add.stdout, /added pytorch-cpu, easyocr/);
  assert.deepEqual((await readDocker()).extras, ['pytorch-cpu', 'easyocr']);

  const refuse = await runDuctor(home, ['docker', 'extras-remove', 'pytorch-cpu']);
  assert.equal(refuse.code, 1);
  assert.match(refuse.stderr, /easyocr needs pytorch-cpu/);

  const bad = await runDuctor(home, ['docker', 'extras-add', 'cuda']);
  assert.equal(bad.code, 1);
  assert.match(bad.stderr, /unknown extra "cuda"/);

  const list = await runDuctor(home, ['docker', 'extras']);
  assert.match(list.stdout, /^\[x\] easyocr /m);
  assert.match(list.stdout, /^\[ \] whisper .*\(needs ffmpeg\)$/m);

  assert.equal((await runDuctor(home, ['docker', 'extras-remove', 'easyocr'])).code, 0);
  assert.deepEqual((await readDocker()).extras, ['pytorch-cpu']);
});

test('enable with no Docker engine turns the key on and says the engine is not running', async (t) => {
  const { home, readDocker } = await configured(t);
  const fake = await installFakeDocker(home, { engine: false, images: [], containers: {} });
  const result = await runDuctor(home, ['docker', 'enable'], { PATH: fake.path });
  assert.equal(result.code, 0, result.stderr);
  assert.equal((await readDocker()).enabled, true);
  assert.match(result.stdout, /Docker engine is not running/);
  assert.match(result.stdout, /refused rather than run unsandboxed/);
  assert.deepEqual((await fake.calls()).map((c) => c[0]), ['info']);
});

test('disable removes the container; rebuild stops the bot and removes container and image', async (t) => {
  const { home, readDocker } = await configured(t);
  const fake = await installFakeDocker(home, { engine: true, images: ['ductor-sandbox'], containers: { 'ductor-sandbox': true } });
  const run: CommandRunner = (file, args, options) => runCommand(file === 'docker' ? join(fake.dir, 'docker') : file, args, options);
  const lines: string[] = [];
  assert.equal(await runDockerCommand({ home, args: ['enable'], run, say: (l) => lines.push(l) }), 0);
  assert.equal(await runDockerCommand({ home, args: ['disable'], run, say: (l) => lines.push(l) }), 0);
  assert.equal((await readDocker()).enabled, false);
  assert.deepEqual((await fake.state()).containers, {});

  await fake.setState({ engine: true, images: ['ductor-sandbox'], containers: { 'ductor-sandbox': true } });
  let stopped = 0;
  assert.equal(await runDockerCommand({ home, args: ['rebuild'], run, say: (l) => lines.push(l), stopBot: async () => (stopped++, 0) }), 0);
  assert.equal(stopped, 1);
  assert.deepEqual(await fake.state(), { engine: true, images: [], containers: {} });
  assert.ok((await fake.calls()).some((c) => c.join(' ') === 'rmi -f ductor-sandbox'));
  assert.ok(lines.some((l) => /rebuilt on the next start/.test(l)));
});

test('an unknown subcommand prints the usage and fails', async (t) => {
  const { home } = await configured(t);
  const result = await runDuctor(home, ['docker', 'launch']);
  assert.equal(result.code, 1);
  assert.match(result.stderr, /usage: ductor docker enable\|disable\|rebuild/);
});

test('disable with Docker not running turns the key off and does not claim a container was removed', async (t) => {
  const { home, readDocker } = await configured(t);
  const fake = await installFakeDocker(home, { engine: false, images: [], containers: {} });
  const result = await runDuctor(home, ['docker', 'disable'], { PATH: fake.path });
  assert.equal(result.code, 0, result.stderr);
  assert.equal((await readDocker()).enabled, false);
  assert.doesNotMatch(result.stdout, /stopped and removed/);
  assert.match(result.stdout, /docker sandbox disabled; the Docker engine is not running here, so no container was checked or removed/);
  assert.match(result.stdout, /docker rm -f ductor-sandbox/);
  assert.deepEqual((await fake.calls()).map((c) => c[0]), ['info'], 'nothing but the engine check');
});

test('disable with Docker running and no container says there was none', async (t) => {
  const { home } = await configured(t);
  const fake = await installFakeDocker(home, { engine: true, images: [], containers: {} });
  const result = await runDuctor(home, ['docker', 'disable'], { PATH: fake.path });
  assert.equal(result.code, 0, result.stderr);
  assert.match(result.stdout, /docker sandbox disabled; there was no container "ductor-sandbox" to remove/);
});
