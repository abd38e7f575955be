/**
 * The supported runtimes are the LTS lines 22 and 24: package.json says so, the cached runtimes
 * install from the npm registry's `node` package, and `npm test` / the build run on a supported
 * node even where the system node is older (scripts/with-node.mjs says when it switches).
 */
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { accessSync, constants, readFileSync, realpathSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { engines: { node: string }; scripts: Record<string, string> };

test('package.json requires Node 22 or newer, and npm test runs through the runtime switch', () => {
  assert.equal(pkg.engines.node, '>=22');
  assert.match(pkg.scripts.test!, /^node scripts\/with-node\.mjs scripts\/run-tests\.mjs/);
});

test('node-runtime.mjs prints the bin folder of the pinned Node 24, whose node reports that version', async () => {
  const { NODE_RUNTIMES } = (await import(join(ROOT, 'scripts/node-runtime.mjs'))) as { NODE_RUNTIMES: Record<string, string> };
  assert.match(NODE_RUNTIMES['24']!, /^24\.\d+\.\d+$/);
  assert.match(NODE_RUNTIMES['22']!, /^22\.\d+\.\d+$/);
  const binDir = execFileSync(process.execPath, [join(ROOT, 'scripts/node-runtime.mjs'), '24'], { cwd: ROOT, encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] }).trim();
  assert.equal(binDir, join(ROOT, '.cache/node', NODE_RUNTIMES['24']!, 'node_modules/node/bin'), 'stdout is the path alone');
  assert.equal(execFileSync(join(binDir, 'node'), ['--version'], { encoding: 'utf8' }).trim(), `v${NODE_RUNTIMES['24']}`);
  // The cache is not part of the repository.
  assert.match(readFileSync(join(ROOT, '.gitignore'), 'utf8'), /^\.cache\/$/m);
});

test('node-runtime.mjs refuses a line it has no pinned version for', () => {
  const result = spawnSync(process.execPath, [join(ROOT, 'scripts/node-runtime.mjs'), '18'], { cwd: ROOT, encoding: 'utf8' });
  assert.equal(result.status, 1);
  assert.match(result.stderr, /no pinned version for Node 18; supported lines: 22, 24/);
  assert.equal(result.stdout, '');
});

/** The first `node` on PATH outside this checkout's cache: the machine's own node. */
function systemNode(): string {
  for (const dir of (process.env.PATH ?? '').split(delimiter)) {
    if (!dir || dir.includes(join('.cache', 'node'))) continue;
    const candidate = join(dir, 'node');
    try {
      accessSync(candidate, constants.X_OK);
      return realpathSync(candidate);
    } catch {
      // not here
    }
  }
  return process.execPath;
}

test('with-node.mjs runs a script on Node 22 or newer, and says so when it leaves an older system node', async (t) => {
  const dir = await mkdtemp(join(tmpdir(), 'ductor-with-node-'));
  t.after(() => rm(dir, { recursive: true, force: true }));
  const script = join(dir, 'version.mjs');
  await writeFile(script, 'process.stdout.write(process.versions.node + " " + process.env.PATH.split(":")[0]);\n');
  const node = systemNode();
  const systemMajor = Number(execFileSync(node, ['-p', 'process.versions.node.split(".")[0]'], { encoding: 'utf8' }).trim());
  const result = spawnSync(node, [join(ROOT, 'scripts/with-node.mjs'), script], { cwd: ROOT, encoding: 'utf8' });
  assert.equal(result.status, 0, result.stderr);
  const [version, firstPathDir] = result.stdout.split(' ');
  assert.ok(Number(version!.split('.')[0]) >= 22, `ran on ${version}`);
  if (systemMajor < 22) {
    assert.match(result.stderr, /the system node is v\d+\.[\d.]+; ductor supports Node 22 and 24, so this runs on the cached Node 24\./);
    assert.match(firstPathDir!, /\.cache\/node\/24\.[\d.]+\/node_modules\/node\/bin$/, 'children find the cached node first on PATH');
  } else {
    assert.equal(result.stderr, '', 'a supported node is used as it is, silently');
    assert.equal(version, execFileSync(node, ['-p', 'process.versions.node'], { encoding: 'utf8' }).trim());
  }
});

test('with-node.mjs passes the exit code of the script on', async (t) => {
  const dir = await mkdtemp(join(tmpdir(), 'ductor-with-node-'));
  t.after(() => rm(dir, { recursive: true, force: true }));
  const script = join(dir, 'fail.mjs');
  await writeFile(script, 'process.exit(7);\n');
  const result = spawnSync(process.execPath, [join(ROOT, 'scripts/with-node.mjs'), script], { cwd: ROOT, encoding: 'utf8' });
  assert.equal(result.status, 7);
});

test('`ductor` on a node older than 22 tells a person at a terminal, and nobody else', async () => {
  const { oldNodeWarning } = await import('../../src/cli/node-version.js');
  assert.match(oldNodeWarning('v20.20.2', true)!, /^ductor: this is Node v20\.20\.2; ductor supports Node 22 and 24/);
  assert.equal(oldNodeWarning('v20.20.2', false), null, 'scripts and services get no extra output');
  assert.equal(oldNodeWarning('v22.23.3', true), null);
  assert.equal(oldNodeWarning('v24.21.0', true), null);
});
