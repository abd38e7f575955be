/**
 * Dockerfile.sandbox: linted (dockerfile-utils), base image and CLI versions pinned in one place
 * (its ARG lines, which scripts/install-real-clis.sh reads too), no passwordless sudo, and a passwd
 * entry for the host uid the container runs as. The image the sandbox builds is the packaged file.
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { validate } from 'dockerfile-utils';
import { DockerSchema } from '../../src/shared/config/schema-blocks.js';
import { DockerSandbox } from '../../src/workers/agent/sandbox/docker-sandbox.js';
import { tmpHome } from '../helpers/tmp-home.js';
import { installFakeDocker } from './fake-docker.js';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const DOCKERFILE = readFileSync(join(ROOT, 'Dockerfile.sandbox'), 'utf8');

function arg(name: string): string {
  const match = new RegExp(`^ARG ${name}=(\\S+)$`, 'm').exec(DOCKERFILE);
  assert.ok(match, `ARG ${name}=… in Dockerfile.sandbox`);
  return match[1]!;
}

test('Dockerfile.sandbox passes dockerfile-utils without a single diagnostic', () => {
  const problems = validate(DOCKERFILE).map((d) => `line ${d.range.start.line + 1}: ${d.message}`);
  assert.deepEqual(problems, []);
  // The linter itself catches a broken file.
  assert.ok(validate(`${DOCKERFILE}\nFROMM scratch\n`).length > 0);
});

test('the base image and the three CLIs are pinned to exact versions', () => {
  assert.match(arg('NODE_VERSION'), /^(22|24)\.\d+\.\d+$/, 'a supported Node line, exact');
  assert.match(DOCKERFILE, /^FROM node:\$\{NODE_VERSION\}-bookworm-slim$/m);
  assert.doesNotMatch(DOCKERFILE, /^FROM node:\d+-/m, 'no floating major tag');
  const pins = { CLAUDE_CODE_VERSION: '@anthropic-ai/claude-code', CODEX_VERSION: '@openai/codex', GEMINI_CLI_VERSION: '@google/gemini-cli' };
  for (const [name, pkg] of Object.entries(pins)) {
    assert.match(arg(name), /^\d+\.\d+\.\d+$/);
    assert.ok(DOCKERFILE.includes(`${pkg}@\${${name}}`), `${pkg} installs at \${${name}}`);
  }
});

test('scripts/install-real-clis.sh installs the versions the Dockerfile pins (one place)', () => {
  const printed = execFileSync('bash', [join(ROOT, 'scripts/install-real-clis.sh'), '--print-versions'], { cwd: ROOT, encoding: 'utf8' });
  assert.equal(printed, `claude ${arg('CLAUDE_CODE_VERSION')}\ncodex ${arg('CODEX_VERSION')}\ngemini ${arg('GEMINI_CLI_VERSION')}\n`);
});

test('no passwordless sudo for the run user', () => {
  assert.doesNotMatch(DOCKERFILE, /NOPASSWD|sudoers/);
  assert.doesNotMatch(DOCKERFILE, /^\s+.*\bsudo\b/m, 'the sudo package is not installed');
});

test('the host uid the container runs as gets a passwd entry (nss_wrapper), set up by the entrypoint', () => {
  assert.match(DOCKERFILE, /libnss-wrapper/);
  assert.match(DOCKERFILE, /^ENV LD_PRELOAD=libnss_wrapper\.so/m);
  assert.match(DOCKERFILE, /NSS_WRAPPER_PASSWD=\/var\/lib\/ductor-nss\/passwd/);
  assert.match(DOCKERFILE, /^ENTRYPOINT \["\/usr\/local\/bin\/ductor-sandbox-user"\]$/m);
  assert.match(DOCKERFILE, /^CMD \["sleep", "infinity"\]$/m);
});

test('the sandbox builds the packaged Dockerfile and runs the container as the host uid:gid', async (t) => {
  const home = await tmpHome(t);
  const fake = await installFakeDocker(home, { engine: true, images: [], containers: {} });
  const sandbox = new DockerSandbox({
    docker: DockerSchema.parse({ enabled: true }),
    ductorHome: join(home, 'ductor'),
    dockerBinary: join(fake.dir, 'docker'),
    userHome: join(home, 'user'),
    platform: 'linux',
    uid: 1234,
    gid: 5678,
  });
  await sandbox.ensure();
  assert.equal(await fake.lastDockerfile(), `${DOCKERFILE.trimEnd()}\n`);
  const run = (await fake.calls()).find((c) => c[0] === 'run')!;
  assert.equal(run[run.indexOf('--user') + 1], '1234:5678');
  assert.ok(run.includes('HOME=/home/node'));
  assert.equal(run.at(-1), 'ductor-sandbox', 'the image runs with its own entrypoint and CMD');
});
