/**
 * The package a user installs: `npm pack` of this checkout, installed into a temporary prefix as
 * `npm install -g ./ductor-x.y.z.tgz` would, then run: --version, `config schema`, and one turn
 * against the fake Bot API. The tarball carries no source maps, a LICENSE with the third-party
 * notices of everything bundled, and only the packages the bundles load at run time.
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { test } from 'node:test';
import { promisify } from 'node:util';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { startFakeTelegram, FAKE_TOKEN } from '../helpers/fake-telegram.js';
import { FAKE_CLI_DIR, transcriptResult, USER_ID } from '../helpers/rig.js';
import { runDuctor, spawnDuctor } from '../helpers/spawn-ductor.js';
import { tmpHome, writeConfig } from '../helpers/tmp-home.js';
import { waitFor } from '../helpers/wait-for.js';

const run = promisify(execFile);
const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as {
  version: string;
  scripts: Record<string, string>;
  dependencies: Record<string, string>;
  optionalDependencies?: Record<string, string>;
  engines: { node: string };
};

/** What the bundles load from node_modules at run time (scripts/bundle.mjs `external`). */
const RUNTIME_PACKAGES = ['@matrix-org/matrix-sdk-crypto-wasm', 'iconv-lite', 'mime-db', 'mime-types', 'tinypool'];

test('package.json: prepack builds, engines, and only unbundled runtime packages as dependencies', () => {
  assert.equal(pkg.scripts.prepack, 'npm run build');
  assert.equal(pkg.engines.node, '>=22');
  assert.deepEqual(Object.keys(pkg.dependencies).sort(), RUNTIME_PACKAGES);
  assert.deepEqual(Object.keys(pkg.optionalDependencies ?? {}), ['sharp'], 'sharp: a native library, loaded when images are converted');
});

test('npm pack → npm install -g into a temp prefix → --version, config schema and one turn', { timeout: 600_000 }, async (t) => {
  const work = await tmpHome(t, 'ductor-pack-');
  // The suite has built dist/ already; --ignore-scripts keeps prepack from rebuilding it under
  // the feet of tests running at the same time (prepack itself is checked above).
  const { stdout } = await run('npm', ['pack', '--ignore-scripts', '--json', '--pack-destination', work], { cwd: ROOT, maxBuffer: 64 * 1024 * 1024 });
  const [packed] = JSON.parse(stdout) as Array<{ filename: string; unpackedSize: number; files: Array<{ path: string }> }>;
  const paths = packed!.files.map((f) => f.path);
  assert.deepEqual(paths.filter((p) => p.endsWith('.map')), [], 'no source maps');
  assert.ok(paths.includes('LICENSE'), 'a LICENSE file');
  assert.ok(paths.includes('dist/THIRD-PARTY-NOTICES.txt'), 'third-party notices');
  assert.ok(!paths.some((p) => p.startsWith('src/') || p.startsWith('test/') || p.startsWith('dist/src/')), 'no sources, tests or tsc output');
  assert.ok(packed!.unpackedSize < 5 * 1024 * 1024, `unpacked ${packed!.unpackedSize} bytes`);

  const prefix = join(work, 'prefix');
  await run('npm', ['install', '-g', '--prefix', prefix, '--no-audit', '--no-fund', '--loglevel=error', join(work, packed!.filename)], { cwd: work, timeout: 540_000 });
  const installed = join(prefix, 'lib', 'node_modules', 'ductor');
  const modules = readdirSync(join(installed, 'node_modules')).filter((n) => !n.startsWith('.'));
  assert.ok(modules.length <= 12, `a global install pulls ${modules.length} packages: ${modules.join(', ')}`);
  const license = await readFile(join(installed, 'LICENSE'), 'utf8');
  assert.match(license, /MIT License/);
  const notices = await readFile(join(installed, 'dist', 'THIRD-PARTY-NOTICES.txt'), 'utf8');
  for (const bundled of ['express', 'zod', 'pino', 'node-telegram-bot-api', 'matrix-js-sdk']) assert.match(notices, new RegExp(`^${bundled}@\\d`, 'm'), bundled);

  const bin = join(prefix, 'bin', 'ductor');
  const version = await run(bin, ['--version']);
  assert.equal(version.stdout, `ductor ${pkg.version}\n`);

  const home = await tmpHome(t);
  const schemaFile = join(work, 'config.schema.json');
  const schema = await run(bin, ['config', 'schema', schemaFile], { env: { ...process.env, DUCTOR_HOME: home } });
  assert.equal(schema.stderr, '');
  const parsed = JSON.parse(await readFile(schemaFile, 'utf8')) as { properties: Record<string, unknown> };
  assert.ok('telegram_token' in parsed.properties);

  const tg = await startFakeTelegram(t);
  await writeConfig(home, { telegram_token: FAKE_TOKEN, telegram_api_root: tg.url, allowed_user_ids: [USER_ID], model: 'opus', provider: 'claude' });
  const ductor = await spawnDuctor(t, home, { PATH: `${FAKE_CLI_DIR}:${process.env.PATH ?? ''}`, FAKE_CLI_DELAY_MS: '5' }, join(installed, 'dist', 'bin', 'ductor.js'));
  const expected = (await transcriptResult('claude', 'claude-local-hello')).trim().split('\n')[0]!;
  tg.pushMessage({ chatId: USER_ID, userId: USER_ID, text: 'hello' });
  await waitFor(() => tg.visible(USER_ID).some((m) => m.kind === 'text' && m.visibleText.includes(expected)), { timeoutMs: 30_000, message: 'the installed ductor answered' });
  assert.equal((await runDuctor(home, ['stop'])).code, 0);
  assert.equal(await ductor.waitForExit(), 0);

  // The installed Matrix bundle starts the Rust crypto: its WebAssembly is found in the installed
  // package, and the IndexedDB stand-in inside the bundle takes the key store.
  const cryptoCheck = [
    `const sdk = await import(${JSON.stringify(pathToFileURL(join(installed, 'dist', 'bin', 'matrix-sdk.mjs')).href)});`,
    "const client = sdk.createClient({ baseUrl: 'http://127.0.0.1:9', userId: '@pack:example.org', deviceId: 'PACKDEVICE', accessToken: 'unused' });",
    "await client.initRustCrypto({ useIndexedDB: true, cryptoDatabasePrefix: 'pack-check' });",
    'const keys = await client.getCrypto().getOwnDeviceKeys();',
    "process.stdout.write(keys.ed25519 && keys.curve25519 ? 'crypto ready\\n' : 'no device keys\\n');",
    'client.stopClient();',
    'process.exit(0);',
  ].join('\n');
  const crypto = await run(process.execPath, ['--input-type=module', '-e', cryptoCheck], { cwd: work, timeout: 120_000 });
  assert.equal(crypto.stdout, 'crypto ready\n');
});
