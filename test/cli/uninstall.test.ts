/** `ductor uninstall`: service removed, npm package removed through the runner, home only with --purge. */
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { test, type TestContext } from 'node:test';
import { runServiceCommand } from '../../src/cli/commands/service.js';
import { runUninstall } from '../../src/cli/commands/uninstall.js';
import { runDuctor } from '../helpers/spawn-ductor.js';
import { tmpHome } from '../helpers/tmp-home.js';
import { fakeServiceHost } from '../helpers/fake-service-host.js';

async function host(t: TestContext) {
  const { root, bin, calls, run, lines, say, userHome } = await fakeServiceHost(t);
  const ductorHome = join(root, 'home');
  await mkdir(join(ductorHome, 'config'), { recursive: true });
  await writeFile(join(ductorHome, 'config', 'config.json'), '{}\n');
  const serviceContext = { run, userHome, platform: 'linux' as const, env: { PATH: bin, USER: 'alice' }, say };
  const npmRoot = join(root, 'lib', 'node_modules', 'ductor');
  await mkdir(npmRoot, { recursive: true });
  const stops: string[] = [];
  const base = { home: ductorHome, run, packageRoot: npmRoot, serviceContext, stopBot: async (h: string) => (stops.push(h), 0), say };
  return { calls, lines, userHome, ductorHome, serviceContext, base, stops };
}

test('uninstall stops the bot, removes the service and the npm package, and keeps the home', async (t) => {
  const h = await host(t);
  assert.equal(await runServiceCommand({ home: h.ductorHome, args: ['install'], dryRun: false, context: h.serviceContext }), 0);
  const unit = join(h.userHome, '.config', 'systemd', 'user', 'ductor.service');
  assert.ok(existsSync(unit));
  h.calls.length = 0;
  assert.equal(await runUninstall({ ...h.base, purge: false, yes: false }), 0, h.lines.join('\n'));
  assert.deepEqual(h.stops, [h.ductorHome]);
  assert.equal(existsSync(unit), false, 'the unit file is gone');
  assert.ok(h.calls.includes('systemctl --user disable ductor'));
  assert.ok(h.calls.includes('npm uninstall -g ductor'));
  assert.ok(existsSync(join(h.ductorHome, 'config', 'config.json')), 'the home stays without --purge');
});

test('--purge deletes the home only after the typed confirmation; a wrong answer changes nothing', async (t) => {
  const h = await host(t);
  assert.equal(await runUninstall({ ...h.base, purge: true, yes: false, confirm: async () => 'no' }), 1);
  assert.ok(existsSync(h.ductorHome));
  assert.deepEqual(h.calls, [], 'nothing ran');
  assert.deepEqual(h.stops, []);
  assert.equal(await runUninstall({ ...h.base, purge: true, yes: false, confirm: async () => 'delete' }), 0);
  assert.equal(existsSync(h.ductorHome), false);
});

test('--purge --yes deletes without asking; a source checkout keeps its package', async (t) => {
  const h = await host(t);
  const checkout = join(h.ductorHome, '..', 'checkout');
  await mkdir(join(checkout, '.git'), { recursive: true });
  assert.equal(await runUninstall({ ...h.base, packageRoot: checkout, purge: true, yes: true }), 0);
  assert.equal(existsSync(h.ductorHome), false);
  assert.ok(!h.calls.some((c) => c.startsWith('npm')));
  assert.ok(h.lines.some((l) => l.includes('source checkout')));
});

test('the compiled command refuses --purge without a terminal or --yes', async (t) => {
  const home = await tmpHome(t);
  const result = await runDuctor(home, ['uninstall', '--purge']);
  assert.equal(result.code, 1);
  assert.match(result.stdout, /confirm in a terminal or add --yes/);
  assert.ok(existsSync(home));
});
