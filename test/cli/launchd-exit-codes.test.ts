/**
 * launchd has no "do not restart on this exit code": KeepAlive.SuccessfulExit=false restarts on
 * every non-zero exit, so a broken config (exit 78) would restart every ThrottleInterval. The
 * rendered plist runs ductor through a small /bin/sh wrapper that turns 78 into 0 and passes every
 * other code on. These tests run the wrapper exactly as the plist lists it.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { chmod, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { test, type TestContext } from 'node:test';
import { launchdPlist } from '../../src/cli/service/unit-files.js';
import { tmpHome } from '../helpers/tmp-home.js';
import { waitFor } from '../helpers/wait-for.js';
import { parsePlist } from './plist.js';

/** A stand-in `ductor` that exits with $FAKE_EXIT, or on SIGTERM notes it and exits 0. */
async function fakeDuctor(t: TestContext): Promise<{ program: string; dir: string }> {
  const dir = await tmpHome(t, 'ductor-launchd-');
  const program = join(dir, 'fake ductor');
  await writeFile(
    program,
    `#!/bin/sh
echo "$$ $*" > "${dir}/started"
if [ "$FAKE_EXIT" = wait ]; then
  trap 'echo term > "${dir}/got-term"; exit 0' TERM
  while :; do sleep 0.05; done
fi
exit "$FAKE_EXIT"
`,
  );
  await chmod(program, 0o755);
  return { program, dir };
}

function programArguments(program: string): string[] {
  const plist = parsePlist(launchdPlist({ program, args: ['--flag'], path: '/usr/bin:/bin', userHome: '/home/u', ductorHome: '/home/u/.ductor' })) as Record<string, unknown>;
  return plist.ProgramArguments as string[];
}

async function runAsLaunchd(argv: string[], env: NodeJS.ProcessEnv): Promise<number | null> {
  const child = spawn(argv[0]!, argv.slice(1), { env: { ...process.env, ...env }, stdio: 'ignore' });
  const [code] = (await once(child, 'exit')) as [number | null];
  return code;
}

test('the plist runs ductor through a wrapper: exit 78 becomes 0 (no restart), other codes pass unchanged', async (t) => {
  const { program, dir } = await fakeDuctor(t);
  const argv = programArguments(program);
  assert.equal(argv[0], '/bin/sh', 'launchd starts the wrapper');
  assert.ok(argv.includes(program), 'the ductor binary is an argument, not spliced into the script');
  assert.equal(await runAsLaunchd(argv, { FAKE_EXIT: '78' }), 0, 'invalid config: launchd sees a successful exit and stops');
  assert.equal(await runAsLaunchd(argv, { FAKE_EXIT: '42' }), 42, 'restart requested: launchd restarts');
  assert.equal(await runAsLaunchd(argv, { FAKE_EXIT: '1' }), 1, 'a crash: launchd restarts');
  assert.equal(await runAsLaunchd(argv, { FAKE_EXIT: '0' }), 0);
  assert.match(await readFile(join(dir, 'started'), 'utf8'), /^\d+ --flag\n$/, 'arguments reach ductor');
});

test('SIGTERM from launchctl unload reaches ductor through the wrapper, which waits for it', async (t) => {
  const { program, dir } = await fakeDuctor(t);
  const argv = programArguments(program);
  const child = spawn(argv[0]!, argv.slice(1), { env: { ...process.env, FAKE_EXIT: 'wait' }, stdio: 'ignore' });
  const exited = once(child, 'exit') as Promise<[number | null, string | null]>;
  t.after(() => child.kill('SIGKILL'));
  await waitFor(async () => (await readFile(join(dir, 'started'), 'utf8').catch(() => '')) !== '', { timeoutMs: 10_000, message: 'ductor started' });
  child.kill('SIGTERM');
  const [code] = await exited;
  assert.equal(await readFile(join(dir, 'got-term'), 'utf8'), 'term\n', 'ductor got the SIGTERM');
  assert.equal(code, 0, "the wrapper exits with ductor's own code");
});

test('the plist still keeps ductor alive on failure and names the wrapper nowhere else', () => {
  const plist = parsePlist(launchdPlist({ program: '/opt/node/bin/ductor', args: [], path: '/usr/bin', userHome: '/home/u', ductorHome: '/home/u/.ductor' })) as Record<string, unknown>;
  assert.deepEqual(plist.KeepAlive, { SuccessfulExit: false });
  assert.equal((plist.ProgramArguments as string[]).at(-1), '/opt/node/bin/ductor');
});
