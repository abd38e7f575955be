/** bot.pid naming a live process that is not this home's ductor (a pid reused after a reboot) is never signalled. */
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { utimes, writeFile, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { test, type TestContext } from 'node:test';
import { isProcessAlive } from '../../src/shared/process-alive.js';
import { acquirePidLock, runningDuctorPid } from '../../src/supervisor/pid-lock.js';
import { tmpHome } from '../helpers/tmp-home.js';
import { waitFor } from '../helpers/wait-for.js';

function start(t: TestContext, command: string, args: string[]): ChildProcess {
  const child = spawn(command, args, { stdio: 'ignore' });
  t.after(() => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  });
  return child;
}

async function acquire(home: string) {
  const said: string[] = [];
  const lock = await acquirePidLock({ home, say: (line) => said.push(line), onCompromised: () => undefined });
  return { lock, said };
}

test('a live unrelated process (sleep) named in bot.pid is left alone and the lock is taken', async (t) => {
  const home = await tmpHome(t);
  const sleeper = start(t, 'sleep', ['300']);
  await writeFile(join(home, 'bot.pid'), `${sleeper.pid}\n`);
  assert.equal(await runningDuctorPid(home), null, 'sleep is not a ductor');
  const { lock, said } = await acquire(home);
  t.after(() => lock.release());
  assert.ok(isProcessAlive(sleeper.pid!), 'sleep was not signalled');
  assert.equal(sleeper.signalCode, null);
  assert.deepEqual(said.filter((l) => l.includes('stopping it')), []);
  assert.equal(Number((await readFile(join(home, 'bot.pid'), 'utf8')).trim()), process.pid);
});

test('a process started after bot.pid was written is a reused pid, even when its command line says ductor', async (t) => {
  const home = await tmpHome(t);
  const pidFile = join(home, 'bot.pid');
  const other = start(t, process.execPath, ['-e', 'setInterval(() => {}, 1000)', 'ductor']);
  await writeFile(pidFile, `${other.pid}\n`);
  // As after a reboot: the file was written long before the process now holding the pid started.
  const hourAgo = new Date(Date.now() - 3_600_000);
  await utimes(pidFile, hourAgo, hourAgo);
  assert.equal(await runningDuctorPid(home), null);
  const { lock } = await acquire(home);
  t.after(() => lock.release());
  assert.ok(isProcessAlive(other.pid!), 'the process holding the reused pid was not signalled');
});

test('a running ductor named in bot.pid is still stopped and taken over', async (t) => {
  const home = await tmpHome(t);
  const previous = start(t, process.execPath, ['-e', 'process.on("SIGTERM", () => process.exit(0)); setInterval(() => {}, 1000)', 'ductor']);
  await waitFor(() => previous.pid !== undefined);
  await writeFile(join(home, 'bot.pid'), `${previous.pid}\n`);
  assert.equal(await runningDuctorPid(home), previous.pid);
  const { lock, said } = await acquire(home);
  t.after(() => lock.release());
  assert.ok(said.some((l) => l.includes(`pid ${previous.pid}`) && l.includes('taking over')));
  await waitFor(() => !isProcessAlive(previous.pid!), { message: 'the previous ductor is gone' });
});

test('`ductor stop` does not signal a live unrelated process named in bot.pid', async (t) => {
  const { runStop } = await import('../../src/cli/commands/stop.js');
  const home = await tmpHome(t);
  const sleeper = start(t, 'sleep', ['300']);
  await writeFile(join(home, 'bot.pid'), `${sleeper.pid}\n`);
  const write = process.stdout.write.bind(process.stdout);
  const out: string[] = [];
  process.stdout.write = ((chunk: string) => (out.push(String(chunk)), true)) as typeof process.stdout.write;
  try {
    assert.equal(await runStop({ home }), 0);
  } finally {
    process.stdout.write = write;
  }
  assert.match(out.join(''), /not running/);
  assert.ok(isProcessAlive(sleeper.pid!), 'sleep was not signalled');
  assert.equal(sleeper.signalCode, null);
});
