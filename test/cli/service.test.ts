import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { delimiter, join } from 'node:path';
import { test, type TestContext } from 'node:test';
import { promisify } from 'node:util';
import { runServiceCommand, stopServiceIfInstalled } from '../../src/cli/commands/service.js';
import { servicePath } from '../../src/cli/service/service-path.js';
import { unitHome } from '../../src/cli/service/systemd.js';
import { LAUNCHD_WRAPPER, launchdPlist, systemdUnit, utf16WithBom, windowsTaskXml } from '../../src/cli/service/unit-files.js';
import { runDuctor } from '../helpers/spawn-ductor.js';
import { tmpHome } from '../helpers/tmp-home.js';
import { parsePlist } from './plist.js';
import { fakeServiceHost } from '../helpers/fake-service-host.js';

const SPEC = { program: '/opt/node/bin/ductor', args: [], path: '/opt/node/bin:/home/u/.local/bin:/usr/bin:/bin', userHome: '/home/u', ductorHome: '/home/u/.ductor' };

/** A host with `ductor` on PATH and a command runner that records instead of running. */
async function fakeHost(t: TestContext) {
  const { root, bin, calls, run, lines, say, userHome } = await fakeServiceHost(t, (file, args) => ({
    code: 0, stdout: file === 'launchctl' && args[0] === 'list' ? '{\n\t"PID" = 4242;\n};' : '', stderr: '',
  }));
  const ductorHome = join(root, 'ductor home');
  const context = { run, userHome, env: { PATH: bin, USER: 'alice' }, say };
  return { root, bin, calls, lines, userHome, ductorHome, context };
}

test('the systemd unit restarts on failure, treats 42 as restart-now and never loops on a bad config', () => {
  const unit = systemdUnit(SPEC);
  for (const line of [
    'ExecStart=/opt/node/bin/ductor',
    'Restart=on-failure',
    'RestartForceExitStatus=42',
    'SuccessExitStatus=42',
    'RestartPreventExitStatus=78',
    'Environment=DUCTOR_SUPERVISOR=1',
    'Environment=PATH=/opt/node/bin:/home/u/.local/bin:/usr/bin:/bin',
    'Environment=HOME=/home/u',
    'Environment=DUCTOR_HOME=/home/u/.ductor',
    'After=network-online.target',
    'WantedBy=default.target',
  ]) {
    assert.ok(unit.split('\n').includes(line), `missing ${line}`);
  }
  const spaced = systemdUnit({ ...SPEC, ductorHome: '/home/u/my ductor' });
  assert.ok(spaced.includes('Environment="DUCTOR_HOME=/home/u/my ductor"'));
  assert.equal(unitHome(spaced), '/home/u/my ductor');
});

test('the systemd unit passes systemd-analyze verify', async (t) => {
  const dir = await tmpHome(t);
  const file = join(dir, 'ductor.service');
  // verify checks that ExecStart exists; point it at this node.
  await writeFile(file, systemdUnit({ ...SPEC, program: process.execPath }));
  const analyze = ['/usr/bin/systemd-analyze', '/bin/systemd-analyze'].find((p) => existsSync(p));
  if (analyze === undefined) {
    // No systemd on this machine: the structural checks above still hold; say so in the output.
    t.diagnostic('systemd-analyze not installed; verified the unit structure only');
    assert.match(await readFile(file, 'utf8'), /^\[Unit\][\s\S]*^\[Service\][\s\S]*^\[Install\]/m);
    return;
  }
  const verify = async (path: string) => {
    // A private runtime dir lets --user mode start without a user session bus.
    const env = { ...process.env, XDG_RUNTIME_DIR: dir };
    return promisify(execFile)(analyze, ['verify', '--user', path], { env }).then(
      (r) => ({ code: 0, out: r.stderr + r.stdout }),
      (e: { code?: number; stderr?: string; stdout?: string }) => ({ code: e.code ?? 1, out: `${e.stderr ?? ''}${e.stdout ?? ''}` }),
    );
  };
  const result = await verify(file);
  assert.equal(result.code, 0, result.out);
  assert.deepEqual(result.out.split('\n').filter((l) => l.includes('ductor.service')), [], result.out);
  // Control: the same check does see a broken key, so the clean result above means something.
  await mkdir(join(dir, 'bad'));
  await writeFile(join(dir, 'bad', 'ductor.service'), systemdUnit({ ...SPEC, program: process.execPath }).replace('RestartSec=', 'RestartSecs='));
  assert.match((await verify(join(dir, 'bad', 'ductor.service'))).out, /Unknown key.*RestartSecs/);
});

test('the launchd plist is a valid property list with the spec keys', () => {
  const plist = parsePlist(launchdPlist({ ...SPEC, ductorHome: '/Users/u/a&b <home>' })) as Record<string, unknown>;
  assert.equal(plist.Label, 'dev.ductor');
  // ductor runs under the exit-code wrapper (test/cli/launchd-exit-codes.test.ts).
  assert.deepEqual(plist.ProgramArguments, ['/bin/sh', '-c', LAUNCHD_WRAPPER, '/opt/node/bin/ductor']);
  assert.equal(plist.RunAtLoad, true);
  assert.deepEqual(plist.KeepAlive, { SuccessfulExit: false });
  assert.equal(plist.ThrottleInterval, 10);
  assert.equal(plist.ProcessType, 'Background');
  assert.deepEqual(plist.EnvironmentVariables, { PATH: SPEC.path, HOME: '/home/u', DUCTOR_HOME: '/Users/u/a&b <home>', DUCTOR_SUPERVISOR: '1' });
  assert.equal(plist.StandardOutPath, '/Users/u/a&b <home>/logs/service.log');
  assert.equal(plist.StandardErrorPath, '/Users/u/a&b <home>/logs/service.err');
});

test('the Windows task is UTF-16 with a BOM, restarts on failure and starts at logon after 10 s', () => {
  const text = windowsTaskXml({ ...SPEC, program: 'C:\\node\\node.exe', args: ['--env-file=C:\\d\\run\\service.env', 'C:\\npm\\node_modules\\ductor\\dist\\bin\\ductor.js'] });
  const bytes = utf16WithBom(text);
  assert.deepEqual([...bytes.subarray(0, 2)], [0xff, 0xfe]);
  assert.equal(bytes.subarray(2).toString('utf16le'), text);
  for (const piece of [
    '<Delay>PT10S</Delay>',
    '<MultipleInstancesPolicy>IgnoreNew</MultipleInstancesPolicy>',
    '<StartWhenAvailable>true</StartWhenAvailable>',
    '<RunOnlyIfNetworkAvailable>true</RunOnlyIfNetworkAvailable>',
    '<ExecutionTimeLimit>PT0S</ExecutionTimeLimit>',
    '<Interval>PT1M</Interval>',
    '<Count>3</Count>',
    '<LogonType>InteractiveToken</LogonType>',
    '<RunLevel>LeastPrivilege</RunLevel>',
    '<Command>C:\\node\\node.exe</Command>',
  ]) {
    assert.ok(text.includes(piece), piece);
  }
});

test('the service PATH puts node and the CLIs first, newest nvm first, system folders last', () => {
  const path = servicePath({
    platform: 'linux',
    userHome: '/h',
    nodeBinDir: '/n/bin',
    cliBinDirs: ['/h/.local/bin', '/n/bin'],
    nvmVersions: ['v18.19.0', 'v22.3.0', 'v20.11.1'],
  });
  assert.equal(
    path,
    ['/n/bin', '/h/.local/bin', '/h/.nvm/versions/node/v22.3.0/bin', '/h/.nvm/versions/node/v20.11.1/bin', '/h/.nvm/versions/node/v18.19.0/bin', '/h/.npm-global/bin', '/usr/local/bin', '/usr/bin', '/bin'].join(':'),
  );
  assert.match(servicePath({ platform: 'darwin', userHome: '/h', nodeBinDir: '/n', cliBinDirs: [] }), /\/opt\/homebrew\/bin/);
});

test('service install on Linux writes the unit, reloads, enables, asks for linger and starts', async (t) => {
  const host = await fakeHost(t);
  const code = await runServiceCommand({ home: host.ductorHome, args: ['install'], dryRun: false, context: { ...host.context, platform: 'linux' } });
  assert.equal(code, 0, host.lines.join('\n'));
  const unitFile = join(host.userHome, '.config', 'systemd', 'user', 'ductor.service');
  const unit = await readFile(unitFile, 'utf8');
  assert.ok(unit.includes(`ExecStart=${join(host.bin, 'ductor')}`));
  assert.equal(unitHome(unit), host.ductorHome);
  const linger = host.calls.find((c) => c.includes('enable-linger'));
  assert.ok(linger === 'loginctl enable-linger alice' || linger === 'sudo loginctl enable-linger alice', String(linger));
  // The user bus is probed before anything is written (test/cli/service-no-bus.test.ts).
  assert.deepEqual(host.calls.filter((c) => c.startsWith('systemctl')), ['systemctl --user show-environment', 'systemctl --user daemon-reload', 'systemctl --user enable ductor', 'systemctl --user start ductor']);

  host.calls.length = 0;
  assert.equal(await runServiceCommand({ home: host.ductorHome, args: ['status'], dryRun: false, context: { ...host.context, platform: 'linux' } }), 0);
  assert.equal(await runServiceCommand({ home: host.ductorHome, args: ['logs'], dryRun: false, context: { ...host.context, platform: 'linux' } }), 0);
  assert.deepEqual(host.calls, ['systemctl --user status ductor --no-pager', 'journalctl --user -u ductor -f']);

  host.calls.length = 0;
  assert.equal(await runServiceCommand({ home: host.ductorHome, args: ['uninstall'], dryRun: false, context: { ...host.context, platform: 'linux' } }), 0);
  assert.deepEqual(host.calls, ['systemctl --user stop ductor', 'systemctl --user disable ductor', 'systemctl --user daemon-reload']);
  assert.equal(existsSync(unitFile), false);
});

test('ductor stop stops the service only when it runs this home', async (t) => {
  const host = await fakeHost(t);
  await runServiceCommand({ home: host.ductorHome, args: ['install'], dryRun: false, context: { ...host.context, platform: 'linux' } });
  host.calls.length = 0;
  assert.equal(await stopServiceIfInstalled(join(host.root, 'another home'), { ...host.context, platform: 'linux' }), false);
  assert.deepEqual(host.calls, []);
  assert.equal(await stopServiceIfInstalled(host.ductorHome, { ...host.context, platform: 'linux' }), true);
  assert.deepEqual(host.calls, ['systemctl --user stop ductor']);
});

test('service install on macOS writes the plist and loads it; status reads the PID', async (t) => {
  const host = await fakeHost(t);
  assert.equal(await runServiceCommand({ home: host.ductorHome, args: ['install'], dryRun: false, context: { ...host.context, platform: 'darwin' } }), 0);
  const file = join(host.userHome, 'Library', 'LaunchAgents', 'dev.ductor.plist');
  assert.deepEqual(((parsePlist(await readFile(file, 'utf8')) as Record<string, unknown>).ProgramArguments as string[]).slice(3), [join(host.bin, 'ductor')]);
  assert.deepEqual(host.calls, [`launchctl unload ${file}`, `launchctl load ${file}`]);
  host.lines.length = 0;
  assert.equal(await runServiceCommand({ home: host.ductorHome, args: ['status'], dryRun: false, context: { ...host.context, platform: 'darwin' } }), 0);
  assert.deepEqual(host.lines, ['ductor service: running']);
});

test('service install on Windows creates and runs the scheduled task from the XML', async (t) => {
  const host = await fakeHost(t);
  assert.equal(await runServiceCommand({ home: host.ductorHome, args: ['install'], dryRun: false, context: { ...host.context, platform: 'win32' } }), 0);
  const xmlFile = join(host.ductorHome, 'run', 'ductor-task.xml');
  const bytes = await readFile(xmlFile);
  assert.deepEqual([...bytes.subarray(0, 2)], [0xff, 0xfe]);
  assert.match(bytes.subarray(2).toString('utf16le'), /--env-file=/);
  assert.match(await readFile(join(host.ductorHome, 'run', 'service.env'), 'utf8'), /^DUCTOR_SUPERVISOR=1$/m);
  assert.deepEqual(host.calls, [`schtasks /Create /TN ductor /XML ${xmlFile} /F`, 'schtasks /Run /TN ductor']);
});

test('a missing ductor binary and a bad subcommand are one clear line each', async (t) => {
  const host = await fakeHost(t);
  const errors: string[] = [];
  const write = process.stderr.write;
  process.stderr.write = ((chunk: string) => (errors.push(String(chunk)), true)) as typeof process.stderr.write;
  try {
    assert.equal(await runServiceCommand({ home: host.ductorHome, args: ['install'], dryRun: false, context: { ...host.context, env: { PATH: '/nonexistent' }, platform: 'linux' } }), 1);
    assert.equal(await runServiceCommand({ home: host.ductorHome, args: ['frobnicate'], dryRun: false }), 1);
  } finally {
    process.stderr.write = write;
  }
  assert.match(errors[0] ?? '', /`ductor` is not on PATH/);
  assert.match(errors[1] ?? '', /expected one of install, status, start, stop, logs, uninstall, found "frobnicate"/);
  assert.deepEqual(host.calls, []);
});

test('compiled `ductor service install --dry-run` prints the unit and the commands and changes nothing', async (t) => {
  const host = await fakeHost(t);
  const result = await runDuctor(host.ductorHome, ['service', 'install', '--dry-run'], { PATH: `${host.bin}${delimiter}${process.env.PATH ?? ''}`, HOME: host.userHome });
  assert.equal(result.code, 0, result.stderr);
  const unitFile = join(host.userHome, '.config', 'systemd', 'user', 'ductor.service');
  assert.ok(result.stdout.includes(`would write ${unitFile}:`), result.stdout);
  assert.match(result.stdout, /^RestartForceExitStatus=42$/m);
  assert.match(result.stdout, /^would run: systemctl --user daemon-reload$/m);
  assert.match(result.stdout, /^would run: systemctl --user start ductor$/m);
  assert.equal(existsSync(unitFile), false);
});
