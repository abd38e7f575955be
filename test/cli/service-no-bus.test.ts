/**
 * `ductor service install` on Linux without a systemd user bus (WSL, containers, SSH without
 * lingering): detected before anything is written, explained with the fixes, nothing left behind.
 * A later failure (enable/start) removes the unit again.
 */
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { test, type TestContext } from 'node:test';
import { runServiceCommand, stopServiceIfInstalled } from '../../src/cli/commands/service.js';
import { fakeServiceHost } from '../helpers/fake-service-host.js';

const NO_BUS = { code: 1, stdout: '', stderr: 'Failed to connect to bus: No medium found' };

async function linuxHost(t: TestContext, answer: (file: string, args: readonly string[]) => { code: number; stdout: string; stderr: string }) {
  const { root, bin, calls, run, lines, say, userHome } = await fakeServiceHost(t, answer);
  const ductorHome = join(root, 'home');
  const context = { run, userHome, env: { PATH: bin, USER: 'alice' }, say, platform: 'linux' as const };
  const unitFile = join(userHome, '.config', 'systemd', 'user', 'ductor.service');
  return { calls, lines, ductorHome, context, unitFile, bin };
}

test('no user bus: nothing is written, the reason and both fixes are explained', async (t) => {
  const host = await linuxHost(t, (file) => (file === 'systemctl' ? NO_BUS : { code: 0, stdout: '', stderr: '' }));
  const code = await runServiceCommand({ home: host.ductorHome, args: ['install'], dryRun: false, context: host.context });
  assert.equal(code, 1);
  assert.equal(existsSync(host.unitFile), false, 'no unit file left behind');
  assert.deepEqual(host.calls, ['systemctl --user show-environment'], 'only the probe ran');
  const out = host.lines.join('\n');
  assert.match(out, /no systemd user session bus is reachable \(Failed to connect to bus: No medium found\)/);
  assert.match(out, /sudo loginctl enable-linger alice/);
  assert.match(out, /XDG_RUNTIME_DIR=\/run\/user\//);
  // The system-unit alternative is complete: User=, the same ExecStart and environment.
  assert.match(out, /\/etc\/systemd\/system\/ductor\.service/);
  assert.match(out, /^User=alice$/m);
  assert.match(out, new RegExp(`^ExecStart=${join(host.bin, 'ductor')}$`, 'm'));
  assert.match(out, /^WantedBy=multi-user\.target$/m);
  assert.match(out, /sudo systemctl enable --now ductor/);
  // And a later `ductor stop` finds no service to stop, so it repeats no bus error.
  host.calls.length = 0;
  assert.equal(await stopServiceIfInstalled(host.ductorHome, host.context), false);
  assert.deepEqual(host.calls, []);
});

test('a failing start removes the unit again (disable, remove, daemon-reload)', async (t) => {
  const host = await linuxHost(t, (file, args) => (file === 'systemctl' && args[1] === 'start' ? { code: 1, stdout: '', stderr: 'Job for ductor.service failed' } : { code: 0, stdout: '', stderr: '' }));
  const code = await runServiceCommand({ home: host.ductorHome, args: ['install'], dryRun: false, context: host.context });
  assert.equal(code, 1);
  assert.equal(existsSync(host.unitFile), false, 'the unit is removed after the failure');
  const systemctl = host.calls.filter((c) => c.startsWith('systemctl'));
  assert.deepEqual(systemctl.slice(-2), ['systemctl --user disable ductor', 'systemctl --user daemon-reload']);
  assert.ok(host.lines.some((l) => l.includes('starting the unit failed: Job for ductor.service failed')), host.lines.join('\n'));
  assert.ok(host.lines.some((l) => l.includes('removed the unit again')), host.lines.join('\n'));
});
