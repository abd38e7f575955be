import assert from 'node:assert/strict';
import { chmod, mkdir, readFile, writeFile } from 'node:fs/promises';
import { delimiter, join } from 'node:path';
import { test } from 'node:test';
import { runUpgrade, type UpgradeService } from '../../src/cli/commands/upgrade.js';
import { detectInstallMode } from '../../src/shared/upgrade/install-mode.js';
import { compareSemver, isNewer, parseSemver } from '../../src/shared/upgrade/semver.js';
import { checkForUpdate, consumeUpgradeSentinel, upgradeReport, writeUpgradeSentinel } from '../../src/shared/upgrade/upgrade-steps.js';
import type { CommandRunner } from '../../src/shared/command-runner.js';
import { mainPaths } from '../../src/shared/paths.js';
import { runDuctor } from '../helpers/spawn-ductor.js';
import { tmpHome, writeConfig } from '../helpers/tmp-home.js';

/** A fake npm: a registry answer for `view`, a global tree that `install -g` updates. */
function fakeNpm(registryAnswer: string, options: { failInstall?: boolean; installed?: string } = {}) {
  const calls: string[] = [];
  let installed = options.installed ?? '0.1.0';
  const run: CommandRunner = async (file, args) => {
    calls.push([file, ...args].join(' '));
    const [cmd] = args;
    if (cmd === 'view') return { code: 0, stdout: registryAnswer, stderr: '' };
    if (cmd === 'install') {
      if (options.failInstall) return { code: 1, stdout: '', stderr: 'npm error code EACCES\nnpm error permission denied' };
      installed = String(args[2]).split('@')[1]!;
      return { code: 0, stdout: `changed 1 package`, stderr: '' };
    }
    if (cmd === 'ls') return { code: 0, stdout: JSON.stringify({ dependencies: { ductor: { version: installed } } }), stderr: '' };
    return { code: 1, stdout: '', stderr: 'unexpected' };
  };
  return { calls, run };
}

function fakeService(installed: boolean) {
  const events: string[] = [];
  const service: UpgradeService = {
    installed: async () => installed,
    stop: async () => (events.push('service stop'), true),
    start: async () => (events.push('service start'), true),
  };
  return { events, service };
}

const GLOBAL_ROOT = '/usr/lib/node_modules/ductor';

test('semver ordering, prereleases before their release', () => {
  const order = ['0.1.0-alpha', '0.1.0-alpha.2', '0.1.0-alpha.10', '0.1.0-beta', '0.1.0', '0.1.1', '0.2.0', '1.0.0', '10.0.0'];
  for (let i = 1; i < order.length; i++) assert.ok(compareSemver(order[i - 1]!, order[i]!) < 0, `${order[i - 1]} < ${order[i]}`);
  assert.equal(isNewer('0.2.0', '0.1.0'), true);
  assert.equal(isNewer('0.1.0', '0.1.0'), false);
  assert.equal(isNewer('not a version', '0.1.0'), false);
  assert.equal(parseSemver('1.2'), null);
  assert.equal(isNewer('1.0.0-beta.10', '1.0.0-beta.2'), true, 'prerelease numbers compare as numbers');
  assert.equal(isNewer('1.0.0-beta.2', '1.0.0-beta.10'), false);
});

test('install mode: global npm is upgradeable, npx and a source checkout are not', () => {
  assert.equal(detectInstallMode(GLOBAL_ROOT), 'npm');
  assert.equal(detectInstallMode('/home/u/.npm/_npx/9f1c/node_modules/ductor'), 'npx');
  assert.equal(detectInstallMode(join(import.meta.dirname, '..', '..')), 'dev');
});

test('the registry answer is treated as data: only one plain version is accepted', async () => {
  assert.deepEqual(await checkForUpdate(fakeNpm('"0.2.0"\n').run, '0.1.0'), { current: '0.1.0', latest: '0.2.0', available: true });
  assert.equal((await checkForUpdate(fakeNpm('["0.1.0","0.3.0"]').run, '0.1.0')).latest, '0.3.0');
  assert.equal((await checkForUpdate(fakeNpm('"0.1.0"').run, '0.1.0')).available, false);
  for (const bad of ['"0.2.0; rm -rf ~"', '{"version":"1.0.0"}', 'npm notice', '"latest"', '42']) {
    await assert.rejects(checkForUpdate(fakeNpm(bad).run, '0.1.0'), /not JSON|invalid version/, bad);
  }
  const offline: CommandRunner = async () => ({ code: 1, stdout: '', stderr: 'npm error code E404\nnpm error 404 Not Found' });
  await assert.rejects(checkForUpdate(offline, '0.1.0'), /404 Not Found/);
});

test('with a service: stop it, npm install -g the new version, confirm it, start the service', async (t) => {
  const npm = fakeNpm('"0.2.0"');
  const { events, service } = fakeService(true);
  const lines: string[] = [];
  const code = await runUpgrade({ home: await tmpHome(t), run: npm.run, packageRoot: GLOBAL_ROOT, currentVersion: '0.1.0', service, say: (l) => lines.push(l) });
  assert.equal(code, 0, lines.join('\n'));
  assert.deepEqual(npm.calls, ['npm view ductor version --json', 'npm install -g ductor@0.2.0', 'npm ls -g ductor --depth=0 --json']);
  assert.deepEqual(events, ['service stop', 'service start']);
  assert.deepEqual(lines, ['upgrading ductor 0.1.0 → 0.2.0', 'ductor 0.2.0 installed', 'the service runs ductor 0.2.0 now']);
});

test('a failed install restarts the old version and says so', async (t) => {
  const npm = fakeNpm('"0.2.0"', { failInstall: true });
  const { events, service } = fakeService(true);
  const lines: string[] = [];
  const code = await runUpgrade({ home: await tmpHome(t), run: npm.run, packageRoot: GLOBAL_ROOT, currentVersion: '0.1.0', service, say: (l) => lines.push(l) });
  assert.equal(code, 1);
  assert.deepEqual(events, ['service stop', 'service start']);
  assert.ok(lines.includes('npm install -g ductor@0.2.0 failed: npm error permission denied'), lines.join('\n'));
  assert.ok(lines.includes('ductor 0.1.0 is still installed'));
});

test('a bot running in the foreground is stopped and started again from the new install', async (t) => {
  const npm = fakeNpm('"0.2.0"');
  const { service } = fakeService(false);
  const steps: string[] = [];
  const code = await runUpgrade({
    home: await tmpHome(t),
    run: npm.run,
    packageRoot: GLOBAL_ROOT,
    currentVersion: '0.1.0',
    service,
    say: () => undefined,
    isRunning: async () => true,
    stopBot: async () => (steps.push('stop'), 0),
    startBot: async () => (steps.push(`start (installed ${npm.calls.some((c) => c.includes('install -g')) ? 'yes' : 'no'})`), 0),
  });
  assert.equal(code, 0);
  assert.deepEqual(steps, ['stop', 'start (installed yes)']);
});

test('up to date and --check install nothing', async (t) => {
  const home = await tmpHome(t);
  const same = fakeNpm('"0.1.0"');
  const lines: string[] = [];
  assert.equal(await runUpgrade({ home, run: same.run, packageRoot: GLOBAL_ROOT, currentVersion: '0.1.0', service: fakeService(false).service, say: (l) => lines.push(l) }), 0);
  const newer = fakeNpm('"0.2.0"');
  assert.equal(await runUpgrade({ home, run: newer.run, packageRoot: GLOBAL_ROOT, currentVersion: '0.1.0', checkOnly: true, service: fakeService(false).service, say: (l) => lines.push(l) }), 0);
  assert.deepEqual(lines, ['ductor 0.1.0 is up to date (npm has 0.1.0)', 'ductor 0.2.0 is available (installed: 0.1.0); `ductor upgrade` installs it']);
  assert.ok(![...same.calls, ...newer.calls].some((c) => c.includes('install')));
});

test('the upgrade sentinel is written 0600, consumed once, and a corrupt one is dropped', async (t) => {
  const home = await tmpHome(t);
  await writeUpgradeSentinel(home, { chat_id: 1001, old_version: '0.1.0', new_version: '0.2.0' });
  const file = mainPaths(home).upgradeSentinelFile;
  assert.equal((await import('node:fs')).statSync(file).mode & 0o777, 0o600);
  const sentinel = await consumeUpgradeSentinel(home);
  assert.deepEqual(sentinel, { chat_id: 1001, old_version: '0.1.0', new_version: '0.2.0' });
  assert.equal(await consumeUpgradeSentinel(home), null);
  assert.equal(upgradeReport(sentinel!, '0.2.0'), 'upgrade complete: 0.1.0 → 0.2.0');
  assert.equal(upgradeReport(sentinel!, '0.1.0'), 'upgrade to 0.2.0 did not take effect; still running 0.1.0');
  await writeFile(file, '{not json');
  assert.equal(await consumeUpgradeSentinel(home), null);
  await assert.rejects(readFile(file), { code: 'ENOENT' });
});

test('compiled `ductor upgrade` from this source checkout refuses and never calls npm', async (t) => {
  const home = await tmpHome(t);
  await writeConfig(home);
  const bin = join(home, 'bin');
  await mkdir(bin);
  await writeFile(join(bin, 'npm'), `#!/bin/sh\necho "$@" >> ${join(home, 'npm-calls')}\nexit 1\n`);
  await chmod(join(bin, 'npm'), 0o755);
  const result = await runDuctor(home, ['upgrade'], { PATH: `${bin}${delimiter}${process.env.PATH ?? ''}` });
  assert.equal(result.code, 1);
  assert.match(result.stdout, /runs from a source checkout .* not upgraded through npm/);
  await assert.rejects(readFile(join(home, 'npm-calls')), { code: 'ENOENT' });
});
