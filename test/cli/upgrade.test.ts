import assert from 'node:assert/strict';
import { chmod, mkdir, readFile, writeFile } from 'node:fs/promises';
import { delimiter, join } from 'node:path';
import { test } from 'node:test';
import { runUpgrade, type UpgradeService } from '../../src/cli/commands/upgrade.js';
import { detectInstallMode } from '../../src/shared/upgrade/install-mode.js';
import { compareSemver, isNewer, parseSemver } from '../../src/shared/upgrade/semver.js';
import { checkForUpdate, consumeUpgradeSentinel, installVersion, upgradeReport, writeUpgradeSentinel } from '../../src/shared/upgrade/upgrade-steps.js';
import { resolveUpdateSource } from '../../src/shared/upgrade/update-source.js';
import { ConfigSchema } from '../../src/shared/config/schema.js';
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
const NPM_SOURCE = { kind: 'npm', name: 'ductor' } as const;
const REPO = join(import.meta.dirname, '..', '..');

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
  assert.deepEqual(await checkForUpdate(fakeNpm('"0.2.0"\n').run, '0.1.0', NPM_SOURCE), { current: '0.1.0', latest: '0.2.0', available: true });
  assert.equal((await checkForUpdate(fakeNpm('["0.1.0","0.3.0"]').run, '0.1.0', NPM_SOURCE)).latest, '0.3.0');
  assert.equal((await checkForUpdate(fakeNpm('"0.1.0"').run, '0.1.0', NPM_SOURCE)).available, false);
  for (const bad of ['"0.2.0; rm -rf ~"', '{"version":"1.0.0"}', 'npm notice', '"latest"', '42']) {
    await assert.rejects(checkForUpdate(fakeNpm(bad).run, '0.1.0', NPM_SOURCE), /not JSON|invalid version/, bad);
  }
  const offline: CommandRunner = async () => ({ code: 1, stdout: '', stderr: 'npm error code E404\nnpm error 404 Not Found' });
  await assert.rejects(checkForUpdate(offline, '0.1.0', NPM_SOURCE), /ductor does not exist \(404 from the registry\)/);
});

test('with a service: stop it, npm install -g the new version, confirm it, start the service', async (t) => {
  const npm = fakeNpm('"0.2.0"');
  const { events, service } = fakeService(true);
  const lines: string[] = [];
  const code = await runUpgrade({ home: await tmpHome(t), run: npm.run, packageRoot: GLOBAL_ROOT, updateSource: 'npm:ductor', currentVersion: '0.1.0', service, say: (l) => lines.push(l) });
  assert.equal(code, 0, lines.join('\n'));
  assert.deepEqual(npm.calls, ['npm view ductor version --json', 'npm install -g ductor@0.2.0', 'npm ls -g ductor --depth=0 --json']);
  assert.deepEqual(events, ['service stop', 'service start']);
  assert.deepEqual(lines, ['upgrading ductor 0.1.0 → 0.2.0 from the npm package ductor', 'ductor 0.2.0 installed', 'the service runs ductor 0.2.0 now']);
});

test('a failed install restarts the old version and says so', async (t) => {
  const npm = fakeNpm('"0.2.0"', { failInstall: true });
  const { events, service } = fakeService(true);
  const lines: string[] = [];
  const code = await runUpgrade({ home: await tmpHome(t), run: npm.run, packageRoot: GLOBAL_ROOT, updateSource: 'npm:ductor', currentVersion: '0.1.0', service, say: (l) => lines.push(l) });
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
    packageRoot: GLOBAL_ROOT, updateSource: 'npm:ductor',
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
  assert.equal(await runUpgrade({ home, run: same.run, packageRoot: GLOBAL_ROOT, updateSource: 'npm:ductor', currentVersion: '0.1.0', service: fakeService(false).service, say: (l) => lines.push(l) }), 0);
  const newer = fakeNpm('"0.2.0"');
  assert.equal(await runUpgrade({ home, run: newer.run, packageRoot: GLOBAL_ROOT, updateSource: 'npm:ductor', currentVersion: '0.1.0', checkOnly: true, service: fakeService(false).service, say: (l) => lines.push(l) }), 0);
  assert.deepEqual(lines, ['ductor 0.1.0 is up to date (the npm package ductor has 0.1.0)', 'ductor 0.2.0 is available (installed: 0.1.0); `ductor upgrade` installs it']);
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

test('a package install without a configured source asks no registry and says how to enable it', async (t) => {
  const npm = fakeNpm('"9.9.9"');
  const lines: string[] = [];
  const code = await runUpgrade({ home: await tmpHome(t), run: npm.run, packageRoot: GLOBAL_ROOT, currentVersion: '0.1.0', service: fakeService(false).service, say: (l) => lines.push(l) });
  assert.equal(code, 1);
  assert.deepEqual(npm.calls, [], 'the name "ductor" on the registry is not ours to trust');
  assert.match(lines.join('\n'), /no update source: this ductor was installed from a package, and no update source is configured; set "update_source" in config.json to "npm:PACKAGE" .* or the https:\/\/ URL of a release tarball/);
  assert.deepEqual(resolveUpdateSource('off', REPO), { kind: 'off', reason: 'update_source is "off"' });
  assert.deepEqual(resolveUpdateSource('auto', REPO), { kind: 'git', root: REPO });
  assert.deepEqual(resolveUpdateSource('npm:@me/ductor', GLOBAL_ROOT), { kind: 'npm', name: '@me/ductor' });
  assert.deepEqual(resolveUpdateSource('https://example.org/ductor.tgz', GLOBAL_ROOT), { kind: 'url', url: 'https://example.org/ductor.tgz' });
  assert.equal(resolveUpdateSource('git', GLOBAL_ROOT).kind, 'off');
});

test('update_source in config.json accepts auto, git, off, npm:NAME and https URLs only', () => {
  for (const good of ['auto', 'git', 'off', 'npm:ductor-fork', 'npm:@me/ductor', 'https://example.org/r/ductor-1.0.0.tgz']) {
    assert.equal(ConfigSchema.safeParse({ update_source: good }).success, true, good);
  }
  for (const bad of ['npm', 'npm:../evil', 'npm:--registry=x', 'http://plain.example/ductor.tgz', 'file:/tmp/x.tgz', '']) {
    assert.equal(ConfigSchema.safeParse({ update_source: bad }).success, false, bad);
  }
  assert.equal(ConfigSchema.parse({}).update_source, 'auto');
});

test('a tarball URL source: npm view URL, npm install -g URL, and the installed version is read back', async () => {
  const url = 'https://example.org/releases/latest/ductor.tgz';
  const npm = fakeNpm('"0.4.0"');
  const source = { kind: 'url', url } as const;
  assert.deepEqual(await checkForUpdate(npm.run, '0.1.0', source), { current: '0.1.0', latest: '0.4.0', available: true });
  // fakeNpm reads the version from the spec's "@": a URL install reports the version it viewed.
  const run: CommandRunner = async (file, args, opts) => (args[0] === 'install' ? ((npm.calls.push([file, ...args].join(' ')), { code: 0, stdout: '', stderr: '' })) : npm.run(file, ['ls'], opts));
  const result = await installVersion(run, '0.1.0', source);
  assert.deepEqual(result, { ok: true, installed: '0.1.0' });
  assert.ok(npm.calls.includes(`npm view ${url} version --json`) && npm.calls.includes(`npm install -g ${url}`), npm.calls.join('\n'));
});

test('a 404 from the registry is reported as such, not as npm\'s log-file line', async () => {
  const notFound: CommandRunner = async () => ({ code: 1, stdout: '', stderr: 'npm error code E404\nnpm error 404 Not Found - GET https://registry.npmjs.org/ductor-fork - Not found\nnpm error 404\nnpm error A complete log of this run can be found in: /root/.npm/_logs/x.log' });
  await assert.rejects(checkForUpdate(notFound, '0.1.0', { kind: 'npm', name: 'ductor-fork' }), (error: Error) => {
    assert.equal(error.message, 'could not ask npm for the newest version of ductor-fork: ductor-fork does not exist (404 from the registry)');
    return true;
  });
});

/** A fake git for a checkout at `root`: records calls, lists `tags`, fails the step named in `fail`. */
function fakeGit(tags: string[], fail?: string) {
  const calls: string[] = [];
  const run: CommandRunner = async (file, args) => {
    calls.push([file, ...args].join(' '));
    const step = file === 'git' ? args[2] : args[0];
    if (step === fail) return { code: 1, stdout: '', stderr: `${file}: ${step} went wrong` };
    if (file === 'git' && step === 'tag') return { code: 0, stdout: tags.join('\n'), stderr: '' };
    return { code: 0, stdout: '', stderr: '' };
  };
  return { calls, run };
}

test('a source checkout follows its git remote: fetch tags, compare, pull --ff-only, npm ci, build', async (t) => {
  const root = await tmpHome(t, 'ductor-checkout-');
  await mkdir(join(root, '.git'));
  await writeFile(join(root, 'package.json'), JSON.stringify({ name: 'ductor', version: '0.3.0' }));
  const git = fakeGit(['v0.1.0', 'v0.3.0', 'v0.2.5', 'not-a-release', 'v0.3.0-rc.1']);
  const lines: string[] = [];
  const { service } = fakeService(false);
  const code = await runUpgrade({ home: await tmpHome(t), run: git.run, packageRoot: root, currentVersion: '0.1.0', service, isRunning: async () => false, say: (l) => lines.push(l) });
  assert.equal(code, 0, lines.join('\n'));
  assert.deepEqual(git.calls, [
    `git -C ${root} fetch --tags --quiet`,
    `git -C ${root} tag --list v*`,
    `git -C ${root} pull --ff-only`,
    'npm ci --no-audit --no-fund',
    'npm run build',
  ]);
  assert.equal(lines[0], `upgrading ductor 0.1.0 → 0.3.0 from the git remote of ${root}`);
  assert.ok(lines.includes('ductor 0.3.0 installed'), lines.join('\n'));
});

test('a failed git pull stops the upgrade before npm runs, and says what failed', async (t) => {
  const root = await tmpHome(t, 'ductor-checkout-');
  await mkdir(join(root, '.git'));
  const git = fakeGit(['v0.2.0'], 'pull');
  const lines: string[] = [];
  const code = await runUpgrade({ home: await tmpHome(t), run: git.run, packageRoot: root, currentVersion: '0.1.0', service: fakeService(false).service, isRunning: async () => false, say: (l) => lines.push(l) });
  assert.equal(code, 1);
  assert.ok(!git.calls.some((c) => c.startsWith('npm')), git.calls.join('\n'));
  assert.ok(lines.includes('git pull --ff-only failed: git: pull went wrong'), lines.join('\n'));
});

test('compiled `ductor upgrade --check` in this source checkout asks its git remote, never npm', async (t) => {
  const home = await tmpHome(t);
  await writeConfig(home);
  const bin = join(home, 'bin');
  await mkdir(bin);
  await writeFile(join(bin, 'npm'), `#!/bin/sh\necho "$@" >> ${join(home, 'npm-calls')}\nexit 1\n`);
  await writeFile(join(bin, 'git'), `#!/bin/sh\necho "$@" >> ${join(home, 'git-calls')}\ncase "$3" in tag) echo v0.0.1;; esac\nexit 0\n`);
  await chmod(join(bin, 'npm'), 0o755);
  await chmod(join(bin, 'git'), 0o755);
  const result = await runDuctor(home, ['upgrade', '--check'], { PATH: `${bin}${delimiter}${process.env.PATH ?? ''}` });
  assert.equal(result.code, 0, result.stderr);
  assert.match(result.stdout, /is up to date \(the git remote of .* has 0\.0\.1\)/);
  assert.match(await readFile(join(home, 'git-calls'), 'utf8'), /fetch --tags --quiet/);
  await assert.rejects(readFile(join(home, 'npm-calls')), { code: 'ENOENT' });
});
