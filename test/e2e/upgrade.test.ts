/**
 * `/upgrade` end to end and the process-level restart (exit 42 / re-exec), through the compiled
 * command. The package is copied to `<prefix>/lib/node_modules/ductor` so it counts as an npm
 * install; a fake `npm` answers the registry and "installs" by rewriting that copy's version.
 */
import assert from 'node:assert/strict';
import { chmod, cp, mkdir, readFile, symlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { test, type TestContext } from 'node:test';
import { fileURLToPath } from 'node:url';
import { connectControl } from '../../src/shared/control-client.js';
import { startFakeTelegram, FAKE_TOKEN } from '../helpers/fake-telegram.js';
import { FAKE_CLI_DIR, USER_ID } from '../helpers/rig.js';
import { spawnDuctor, type RunningDuctor } from '../helpers/spawn-ductor.js';
import { tmpHome, writeConfig } from '../helpers/tmp-home.js';
import { waitFor } from '../helpers/wait-for.js';

const REPO = fileURLToPath(new URL('../..', import.meta.url));

const FAKE_NPM = `#!/usr/bin/env node
const fs = require('node:fs');
const args = process.argv.slice(2);
fs.appendFileSync(__dirname + '/npm-calls.jsonl', JSON.stringify(args) + '\\n');
const manifest = process.env.FAKE_NPM_PACKAGE_JSON;
if (args[0] === 'view') { process.stdout.write(JSON.stringify(process.env.FAKE_NPM_LATEST) + '\\n'); process.exit(0); }
if (args[0] === 'install') {
  if (process.env.FAKE_NPM_FAIL_INSTALL === '1') { process.stderr.write('npm ERR! code EACCES\\n'); process.exit(1); }
  const version = args[2].split('@')[1];
  const pkg = JSON.parse(fs.readFileSync(manifest, 'utf8')); pkg.version = version;
  fs.writeFileSync(manifest, JSON.stringify(pkg, null, 2));
  process.exit(0);
}
if (args[0] === 'ls') {
  const pkg = JSON.parse(fs.readFileSync(manifest, 'utf8'));
  process.stdout.write(JSON.stringify({ dependencies: { ductor: { version: pkg.version } } }) + '\\n'); process.exit(0);
}
process.stderr.write('fake npm: unsupported ' + args.join(' ') + '\\n'); process.exit(1);
`;

type Setup = { home: string; bin: string; npmCalls: () => Promise<string[][]>; env: NodeJS.ProcessEnv; tg: Awaited<ReturnType<typeof startFakeTelegram>> };

async function installedCopy(t: TestContext, opts: { failInstall?: boolean } = {}): Promise<Setup> {
  const prefix = await tmpHome(t, 'ductor-prefix-');
  const root = join(prefix, 'lib', 'node_modules', 'ductor');
  await mkdir(root, { recursive: true });
  for (const part of ['dist/bin', 'home-defaults', 'Dockerfile.sandbox']) await cp(join(REPO, part), join(root, part), { recursive: true });
  // An npm install carries the package's runtime dependencies (tinypool stays outside the bundles).
  await symlink(join(REPO, 'node_modules'), join(root, 'node_modules'));
  const pkg = JSON.parse(await readFile(join(REPO, 'package.json'), 'utf8')) as Record<string, unknown>;
  await writeFile(join(root, 'package.json'), JSON.stringify({ ...pkg, version: '1.0.0' }, null, 2));
  const npmDir = join(prefix, 'fake-npm-bin');
  await mkdir(npmDir);
  await writeFile(join(npmDir, 'npm'), FAKE_NPM);
  await chmod(join(npmDir, 'npm'), 0o755);
  await writeFile(join(npmDir, 'package.json'), '{"type":"commonjs"}');
  const home = await tmpHome(t);
  const tg = await startFakeTelegram(t);
  // The user named the package to follow: the name `ductor` on the registry is not trusted by default.
  await writeConfig(home, { telegram_token: FAKE_TOKEN, telegram_api_root: tg.url, allowed_user_ids: [USER_ID], model: 'opus', provider: 'claude', update_source: 'npm:ductor' });
  const env: NodeJS.ProcessEnv = {
    PATH: `${npmDir}:${FAKE_CLI_DIR}:${process.env.PATH ?? ''}`,
    FAKE_NPM_PACKAGE_JSON: join(root, 'package.json'),
    FAKE_NPM_LATEST: '9.9.9',
    FAKE_NPM_FAIL_INSTALL: opts.failInstall ? '1' : '0',
    FAKE_CLI_RECORD: join(home, 'cli-record.jsonl'),
    FAKE_CLI_DELAY_MS: '5',
    DUCTOR_SUPERVISOR: '',
  };
  const npmCalls = async () =>
    (await readFile(join(npmDir, 'npm-calls.jsonl'), 'utf8').catch(() => '')).split('\n').filter(Boolean).map((l) => JSON.parse(l) as string[]);
  return { home, bin: join(root, 'dist', 'bin', 'ductor.js'), npmCalls, env, tg };
}

async function pressYes(setup: Setup, version: string): Promise<void> {
  const { tg } = setup;
  tg.pushMessage({ chatId: USER_ID, userId: USER_ID, text: '/upgrade' });
  const offer = await waitFor(() => tg.visible(USER_ID).find((m) => m.visibleText.includes(`ductor ${version} is available (you run 1.0.0)`)), { timeoutMs: 20_000, message: 'the offer' });
  assert.match(offer.visibleText, /Changelog: https:\/\/www\.npmjs\.com\/package\/ductor\/v\/9\.9\.9/);
  const labels = JSON.stringify(offer.replyMarkup);
  assert.ok(labels.includes('"Yes"') && labels.includes('"Not now"') && labels.includes(`upg:yes:${version}`), labels);
  tg.pushCallbackQuery({ chatId: USER_ID, userId: USER_ID, messageId: offer.messageId, data: `upg:yes:${version}` });
}

async function answersAgain(setup: Setup): Promise<void> {
  const before = setup.tg.visible(USER_ID).length;
  setup.tg.pushMessage({ chatId: USER_ID, userId: USER_ID, text: 'are you back?' });
  await waitFor(() => setup.tg.visible(USER_ID).slice(before).some((m) => m.kind === 'text' && !m.visibleText.includes('queue') && m.visibleText.trim() !== ''), { timeoutMs: 20_000, message: 'an answer after the restart' });
}

test('/upgrade → Yes installs with npm, re-executes the process in place and reports "upgrade complete 1.0.0 → 9.9.9"', async (t) => {
  const setup = await installedCopy(t);
  const ductor: RunningDuctor = await spawnDuctor(t, setup.home, setup.env, setup.bin);
  const firstPid = (await ductor.status()).pid;
  await pressYes(setup, '9.9.9');
  await waitFor(() => setup.tg.visible(USER_ID).some((m) => m.visibleText.includes('upgrade complete: 1.0.0 → 9.9.9')), { timeoutMs: 40_000, message: 'the upgrade report' });
  assert.ok((await setup.npmCalls()).some((c) => c.join(' ') === 'install -g ductor@9.9.9'));
  const status = await ductor.waitForStatus((s) => s.pid !== firstPid && s.workers.every((w) => w.state === 'ready'), 30_000);
  assert.notEqual(status.pid, firstPid, 'a new supervisor process runs');
  assert.equal(ductor.child.exitCode, null, 'the command the user started is still in the foreground');
  await answersAgain(setup);
  await assert.rejects(readFile(join(setup.home, 'upgrade-sentinel.json')), 'the sentinel was consumed');
});

test('/upgrade with a failing install says so and the old version keeps running', async (t) => {
  const setup = await installedCopy(t, { failInstall: true });
  const ductor = await spawnDuctor(t, setup.home, setup.env, setup.bin);
  const firstPid = (await ductor.status()).pid;
  await pressYes(setup, '9.9.9');
  const failure = await waitFor(() => setup.tg.visible(USER_ID).find((m) => m.visibleText.includes('Upgrade failed')), { timeoutMs: 20_000, message: 'the failure' });
  assert.match(failure.visibleText, /EACCES/);
  assert.match(failure.visibleText, /Still running ductor 1\.0\.0/);
  assert.equal((await ductor.status()).pid, firstPid, 'no restart');
  await answersAgain(setup);
});

test('under a service manager (DUCTOR_SUPERVISOR set) a process restart exits with 42', async (t) => {
  const setup = await installedCopy(t);
  const ductor = await spawnDuctor(t, setup.home, { ...setup.env, DUCTOR_SUPERVISOR: '1' }, setup.bin);
  const connection = await connectControl(setup.home);
  assert.ok(connection);
  await connection.peer.request('restartProcess', { reason: 'test' }, { timeoutMs: 10_000 });
  connection.close();
  assert.equal(await ductor.waitForExit(), 42);
});
