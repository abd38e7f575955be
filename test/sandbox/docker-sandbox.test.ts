import assert from 'node:assert/strict';
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { test } from 'node:test';
import { DockerSchema } from '../../src/shared/config/schema-blocks.js';
import { decideSandbox, DockerSandbox, DockerUnavailableError, readEnvSecrets } from '../../src/workers/agent/sandbox/docker-sandbox.js';
import { dockerRunArgs, mountTargets } from '../../src/workers/agent/sandbox/docker-run-args.js';
import { buildTimeoutSeconds, dependentsOf, extraLayers, withDependencies } from '../../src/workers/agent/sandbox/docker-extras.js';
import { tmpHome } from '../helpers/tmp-home.js';
import { installFakeDocker, type FakeDockerState } from './fake-docker.js';
import { writeFile } from 'node:fs/promises';

const BASE_DOCKERFILE = async () => 'FROM node:22-bookworm-slim\nCMD ["sleep","infinity"]\n';

async function setup(t: import('node:test').TestContext, state: FakeDockerState, docker: Record<string, unknown> = {}) {
  const home = await tmpHome(t);
  const fake = await installFakeDocker(home, state);
  const userHome = join(home, 'user');
  await mkdir(join(userHome, '.claude'), { recursive: true });
  const config = DockerSchema.parse({ enabled: true, ...docker });
  const sandbox = new DockerSandbox({
    docker: config,
    ductorHome: join(home, 'ductor'),
    dockerBinary: join(fake.dir, 'docker'),
    userHome,
    platform: 'linux',
    uid: 1234,
    gid: 5678,
    dockerfileText: BASE_DOCKERFILE,
  });
  return { home, fake, sandbox, config, userHome };
}

test('builds the missing image with the extras, starts the container once, then reuses it', async (t) => {
  const { fake, sandbox, home } = await setup(t, { engine: true, images: [], containers: {} }, { extras: ['whisper'] });
  const target = await sandbox.ensure();
  assert.equal(target.container, 'ductor-sandbox');
  assert.deepEqual(target.homeMount, { hostPath: join(home, 'ductor'), containerPath: '/ductor' });
  const dockerfile = await fake.lastDockerfile();
  assert.match(dockerfile, /^FROM node:22-bookworm-slim/);
  assert.match(dockerfile, /apt-get install -y --no-install-recommends ffmpeg/, 'whisper pulls in ffmpeg');
  assert.match(dockerfile, /pip install openai-whisper/);
  const first = await fake.calls();
  assert.deepEqual(first.map((c) => c.slice(0, 2).join(' ')), ['info --format', 'image inspect', 'build -t', 'container inspect', 'rm -f', 'run -d']);
  assert.equal((await fake.state()).containers['ductor-sandbox'], true);

  await sandbox.ensure();
  const second = (await fake.calls()).slice(first.length);
  assert.deepEqual(second.map((c) => c[0]), ['info', 'image', 'container'], 'a running container is reused, not re-created');
});

test('re-creates a container that stopped between turns', async (t) => {
  const { fake, sandbox } = await setup(t, { engine: true, images: ['ductor-sandbox'], containers: { 'ductor-sandbox': false } });
  await sandbox.ensure();
  const calls = await fake.calls();
  assert.ok(calls.some((c) => c[0] === 'rm' && c.at(-1) === 'ductor-sandbox'));
  assert.ok(calls.some((c) => c[0] === 'run'));
  assert.ok(!calls.some((c) => c[0] === 'build'), 'an existing image is not rebuilt');
});

test('concurrent ensure calls start a single container', async (t) => {
  const { fake, sandbox } = await setup(t, { engine: true, images: ['ductor-sandbox'], containers: {} });
  await Promise.all([sandbox.ensure(), sandbox.ensure(), sandbox.ensure()]);
  assert.equal((await fake.calls()).filter((c) => c[0] === 'run').length, 1);
});

test('a stopped engine is reported and, by default, the run does not fall back to the host', async (t) => {
  const { fake, sandbox, config } = await setup(t, { engine: false, images: [], containers: {} });
  await assert.rejects(decideSandbox(config, sandbox), (error: unknown) => {
    assert.ok(error instanceof DockerUnavailableError);
    assert.equal(error.reason, 'daemon_down');
    assert.match(error.message, /Docker engine is not running.*ductor docker disable/);
    return true;
  });
  assert.deepEqual((await fake.calls()).map((c) => c[0]), ['info'], 'nothing else is attempted');
});

test('docker.fallback_to_host lets the run go to the host with a warning', async (t) => {
  const { sandbox, config } = await setup(t, { engine: false, images: [], containers: {} }, { fallback_to_host: true });
  const decision = await decideSandbox(config, sandbox);
  assert.equal(decision.mode, 'host');
  assert.match(decision.mode === 'host' ? (decision.warning ?? '') : '', /Running on the host instead/);
});

test('a missing docker binary is its own reason', async (t) => {
  const home = await tmpHome(t);
  const sandbox = new DockerSandbox({ docker: DockerSchema.parse({ enabled: true }), ductorHome: home, dockerBinary: join(home, 'no-such-docker') });
  await assert.rejects(sandbox.ensure(), { code: 'DOCKER_UNAVAILABLE', reason: 'no_docker' });
});

test('a failing image build and auto_build off are reported, not retried on the host', async (t) => {
  const failing = await setup(t, { engine: true, images: [], containers: {}, failBuild: true });
  await assert.rejects(failing.sandbox.ensure(), { reason: 'build_failed', message: /failed to solve/ });
  const manual = await setup(t, { engine: true, images: [], containers: {} }, { auto_build: false });
  await assert.rejects(manual.sandbox.ensure(), { reason: 'no_image' });
  assert.ok(!(await manual.fake.calls()).some((c) => c[0] === 'build'));
});

test('teardown stops and removes the container and keeps the image', async (t) => {
  const { fake, sandbox } = await setup(t, { engine: true, images: ['ductor-sandbox'], containers: { 'ductor-sandbox': true } });
  await sandbox.teardown();
  const state = await fake.state();
  assert.deepEqual(state.containers, {});
  assert.deepEqual(state.images, ['ductor-sandbox']);
  assert.deepEqual((await fake.calls()).map((c) => c.join(' ')), ['stop -t 5 ductor-sandbox', 'rm -f ductor-sandbox']);
});

test('docker run argv follows the spec: home mount, host gateway, Linux user, credentials, cache, mounts, ports, secrets', () => {
  const existing = new Set(['/u/.claude', '/u/.claude.json']);
  const args = dockerRunArgs({
    containerName: 'box',
    imageName: 'img',
    ductorHome: '/u/.ductor',
    userHome: '/u',
    platform: 'linux',
    uid: 1000,
    gid: 1001,
    mountHostCache: true,
    mounts: ['/data/photos', '/other/photos'],
    publishedPorts: ['8080:80'],
    secretEnv: { API_KEY: 'k' },
    exists: (p) => existing.has(p),
  });
  assert.deepEqual(args, [
    'run', '-d', '--name', 'box', '-w', '/ductor/workspace',
    '-v', '/u/.ductor:/ductor', '-e', 'DUCTOR_HOME=/ductor',
    '--add-host=host.docker.internal:host-gateway',
    '-p', '8080:80',
    '--user', '1000:1001', '-e', 'HOME=/home/node',
    '-v', '/u/.claude:/home/node/.claude:rw',
    '-v', '/u/.claude.json:/home/node/.claude.json:rw',
    '-v', '/u/.cache:/home/node/.cache:rw',
    '-v', '/data/photos:/mnt/photos:rw',
    '-v', '/other/photos:/mnt/photos_2:rw',
    '-e', 'API_KEY=k',
    'img',
  ]);
  const mac = dockerRunArgs({ containerName: 'b', imageName: 'i', ductorHome: '/h', userHome: '/u', platform: 'darwin', uid: 1, gid: 1, mountHostCache: false, mounts: [], publishedPorts: [], exists: () => false });
  assert.ok(!mac.includes('--user'), 'only Linux maps the host uid');
});

test('mount targets number duplicate basenames', () => {
  assert.deepEqual(mountTargets(['/a/x', '/b/x', '/c/x', '/d/y']).map((m) => m.container), ['/mnt/x', '/mnt/x_2', '/mnt/x_3', '/mnt/y']);
});

test('extras resolve their dependencies and PyTorch comes from its CPU index before PyPI packages', () => {
  assert.deepEqual(withDependencies(['transformers', 'whisper']), ['pytorch-cpu', 'transformers', 'ffmpeg', 'whisper']);
  assert.deepEqual(dependentsOf('pytorch-cpu', ['easyocr', 'pytorch-cpu', 'pandas']), ['easyocr']);
  const layers = extraLayers(['easyocr']);
  const torchAt = layers.indexOf('--index-url https://download.pytorch.org/whl/cpu torch');
  const easyAt = layers.indexOf('pip install easyocr');
  assert.ok(torchAt >= 0 && easyAt > torchAt, layers);
  assert.ok(buildTimeoutSeconds(['easyocr']) > buildTimeoutSeconds([]));
  assert.equal(extraLayers([]), '');
});

test('.env secrets the host environment lacks are passed into the container', async (t) => {
  const home = await tmpHome(t);
  const file = join(home, '.env');
  await writeFile(file, 'export A_KEY="one"\nB_KEY=two\n# comment\nPATH=/nope\n');
  assert.deepEqual(await readEnvSecrets(file, { PATH: '/usr/bin' }), { A_KEY: 'one', B_KEY: 'two' });
  assert.deepEqual(await readEnvSecrets(join(home, 'missing.env')), {});
});
