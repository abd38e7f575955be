/** The real `ductor` command forking the real supervisor and workers on a temp home. */
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { mkdir, readFile, readdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { test } from 'node:test';
import { isProcessAlive } from '../../src/shared/process-alive.js';
import { pidOf, restartsOf, runDuctor, spawnDuctor } from '../helpers/spawn-ductor.js';
import { tmpHome, writeConfig } from '../helpers/tmp-home.js';
import { waitFor } from '../helpers/wait-for.js';

const WORKERS = ['transport', 'scheduler', 'agent:main'];

/** The environment a process was started with (what /proc keeps), or '' once it is gone. */
function startEnv(pid: number): string {
  try {
    return `\0${readFileSync(`/proc/${pid}/environ`, 'latin1')}\0`;
  } catch {
    return '';
  }
}

/** Pids of processes started with `DUCTOR_HOME=home` (the supervisor's and every worker's). */
function processesOfHome(home: string): number[] {
  return readdirSync('/proc').map(Number).filter((pid) => Number.isInteger(pid) && pid !== process.pid && startEnv(pid).includes(`\0DUCTOR_HOME=${home}\0`));
}

test('starts every worker, reports them in status, and logs each process to its own file', async (t) => {
  const home = await tmpHome(t);
  await writeConfig(home);
  const ductor = await spawnDuctor(t, home);
  const status = await ductor.status();
  assert.equal(status.running, true);
  assert.equal(status.pid, ductor.child.pid);
  assert.deepEqual(status.workers.map((w) => w.id).sort(), [...WORKERS].sort());
  for (const id of WORKERS) assert.ok(isProcessAlive(pidOf(status, id)), `${id} alive`);
  assert.equal(Number((await readFile(join(home, 'bot.pid'), 'utf8')).trim()), ductor.child.pid);
  const logs = await readdir(join(home, 'logs'));
  for (const name of ['supervisor.log', 'transport.log', 'scheduler.log', 'agent-main.log']) assert.ok(logs.includes(name), name);
  const human = await runDuctor(home, ['status']);
  assert.equal(human.code, 0);
  assert.match(human.stdout, /agent:main\s+\d+\s+ready/);
});

test('restarts a SIGKILLed worker alone, each in turn, while the others keep their pids', async (t) => {
  const home = await tmpHome(t);
  await writeConfig(home);
  const ductor = await spawnDuctor(t, home);
  for (const victim of WORKERS) {
    const before = await ductor.status();
    const restartsBefore = restartsOf(before, victim);
    process.kill(pidOf(before, victim), 'SIGKILL');
    const after = await ductor.waitForStatus((s) => {
      const row = s.workers.find((w) => w.id === victim);
      return row?.state === 'ready' && row.restarts === restartsBefore + 1;
    });
    assert.notEqual(pidOf(after, victim), pidOf(before, victim));
    for (const other of WORKERS.filter((id) => id !== victim)) {
      assert.equal(pidOf(after, other), pidOf(before, other), `${other} kept its pid when ${victim} died`);
    }
  }
  assert.equal((await ductor.status()).pid, ductor.child.pid);
});

test('`ductor restart` restarts every worker from disk while the supervisor stays', async (t) => {
  const home = await tmpHome(t);
  await writeConfig(home);
  const ductor = await spawnDuctor(t, home);
  const before = await ductor.status();
  const result = await runDuctor(home, ['restart']);
  assert.equal(result.code, 0, result.stderr);
  assert.match(result.stdout, /3\/3 workers ready/);
  const after = await ductor.status();
  assert.equal(after.pid, before.pid);
  for (const id of WORKERS) {
    assert.notEqual(pidOf(after, id), pidOf(before, id), `${id} got a new process`);
    assert.equal(isProcessAlive(pidOf(before, id)), false, `old ${id} process is gone`);
  }
});

test('the restart-requested marker restarts every worker and is consumed', async (t) => {
  const home = await tmpHome(t);
  await writeConfig(home);
  const ductor = await spawnDuctor(t, home);
  const before = await ductor.status();
  await writeFile(join(home, 'restart-requested'), '');
  await ductor.waitForStatus((s) => WORKERS.every((id) => {
    const row = s.workers.find((w) => w.id === id);
    return row?.state === 'ready' && row.pid !== pidOf(before, id);
  }));
  assert.equal(existsSync(join(home, 'restart-requested')), false);
});

test('`ductor stop` stops every process and releases the lock', async (t) => {
  const home = await tmpHome(t);
  await writeConfig(home);
  const ductor = await spawnDuctor(t, home);
  const status = await ductor.status();
  const pids = [status.pid, ...WORKERS.map((id) => pidOf(status, id))];
  const result = await runDuctor(home, ['stop']);
  assert.equal(result.code, 0, result.stderr);
  assert.equal(await ductor.waitForExit(), 0);
  for (const pid of pids) assert.equal(isProcessAlive(pid), false, `pid ${pid} is gone`);
  assert.equal(existsSync(join(home, 'bot.pid')), false);
  assert.equal(existsSync(join(home, 'bot.lock')), false);
  assert.equal((await runDuctor(home, ['status', '--json'])).code, 3);
});

test('SIGTERM to the supervisor leaves no child process behind', async (t) => {
  const home = await tmpHome(t);
  await writeConfig(home);
  const ductor = await spawnDuctor(t, home);
  const status = await ductor.status();
  ductor.child.kill('SIGTERM');
  assert.equal(await ductor.waitForExit(), 0);
  for (const id of WORKERS) assert.equal(isProcessAlive(pidOf(status, id)), false, `${id} is gone`);
});

test('SIGTERM to the whole process group (systemd, a terminal, timeout) stops cleanly and exits', async (t) => {
  const home = await tmpHome(t);
  await writeConfig(home);
  const ductor = await spawnDuctor(t, home, {}, undefined, { ownGroup: true });
  const status = await ductor.status();
  // Every worker gets the signal too and may be gone before the supervisor's shutdown request.
  process.kill(-ductor.child.pid!, 'SIGTERM');
  assert.equal(await ductor.waitForExit(), 0, ductor.output());
  for (const id of WORKERS) assert.equal(isProcessAlive(pidOf(status, id)), false, `${id} is gone`);
  const log = await readFile(join(home, 'logs', 'supervisor.log'), 'utf8');
  assert.doesNotMatch(log, /supervisor failed|shutdown step failed/);
  assert.match(log, /ductor stopped/);
});

test('a second ductor on the same home stops the first and takes over, saying so', async (t) => {
  const home = await tmpHome(t);
  await writeConfig(home);
  const first = await spawnDuctor(t, home);
  const firstStatus = await first.status();
  const second = await spawnDuctor(t, home);
  assert.equal(await first.waitForExit(), 0);
  assert.match(second.output(), /another ductor is running on .* \(pid \d+\); stopping it and taking over/);
  const status = await second.waitForStatus((s) => s.pid === second.child.pid);
  for (const id of WORKERS) {
    assert.equal(isProcessAlive(pidOf(firstStatus, id)), false, `first ${id} is gone`);
    assert.ok(isProcessAlive(pidOf(status, id)));
  }
});

test('recovers a stale lock left by a killed supervisor', async (t) => {
  const home = await tmpHome(t);
  await writeConfig(home);
  // What a SIGKILLed supervisor leaves: a fresh lock folder and a pid file naming a dead process.
  await mkdir(join(home, 'bot.lock'), { recursive: true });
  await writeFile(join(home, 'bot.pid'), '999999\n');
  const ductor = await spawnDuctor(t, home);
  assert.equal((await ductor.status()).pid, ductor.child.pid);
});

test('the workers forked in standby before the config is read are the ones that run; unneeded ones are stopped', async (t) => {
  const home = await tmpHome(t);
  await writeConfig(home, { log_level: 'DEBUG' });
  // "ghost" looks like an agent to the early fork but fails validation (no token): never started.
  await writeFile(join(home, 'agents.json'), JSON.stringify([
    { name: 'helper', telegram_token: '22222:AAhelperTOKENhelperTOKENhelperTOKEN12', allowed_user_ids: [1] },
    { name: 'ghost' },
  ]));
  const ductor = await spawnDuctor(t, home);
  const status = await ductor.waitForStatus((s) => s.workers.length === 4 && s.workers.every((w) => w.state === 'ready'));
  for (const id of [...WORKERS, 'agent:helper']) {
    const env = startEnv(pidOf(status, id));
    assert.match(env, /\0DUCTOR_WORKER_STANDBY=1\0/, `${id} is the process forked in standby`);
  }
  // The log level is known only after the config is read; it reached the workers with `begin`.
  await waitFor(async () => (await readFile(join(home, 'logs', 'transport.log'), 'utf8')).includes('"level":20'), { timeoutMs: 10_000, message: 'debug lines in the transport log' });
  await waitFor(() => processesOfHome(home).every((pid) => !startEnv(pid).includes('\0DUCTOR_WORKER_AGENT=ghost\0')), { timeoutMs: 10_000, message: 'the ghost standby worker is gone' });
  assert.equal(processesOfHome(home).length, 5, 'the supervisor and its four workers, nothing else');
});

test('a broken config stops start-up and leaves no standby worker behind', async (t) => {
  const home = await tmpHome(t);
  await writeConfig(home, { webhooks: { port: '80a' } });
  const result = await runDuctor(home, []);
  assert.equal(result.code, 78);
  await waitFor(() => processesOfHome(home).length === 0, { timeoutMs: 10_000, message: 'no process of this home remains' });
});

test('a wrong value in config.json stops start-up with exit 78, names the key, and leaves the file alone', async (t) => {
  const home = await tmpHome(t);
  const file = await writeConfig(home, { webhooks: { port: '80a' } });
  const before = await readFile(file, 'utf8');
  const result = await runDuctor(home, []);
  assert.equal(result.code, 78);
  assert.match(result.stderr, /webhooks\.port/);
  assert.match(result.stderr, /80a/);
  assert.equal(await readFile(file, 'utf8'), before);
  assert.equal(existsSync(join(home, 'bot.pid')), false);
});

test('invalid JSON in config.json gives the position and exit 78', async (t) => {
  const home = await tmpHome(t);
  const file = join(home, 'config', 'config.json');
  await mkdir(join(home, 'config'), { recursive: true });
  await writeFile(file, '{\n  "telegram_token": "1:abc",\n  "allowed_user_ids": [1,]\n}\n');
  const result = await runDuctor(home, []);
  assert.equal(result.code, 78);
  assert.match(result.stderr, /config\.json/);
  assert.match(result.stderr, /line 3/i);
});

test('without a config and without a terminal it exits non-zero and points to onboarding', async (t) => {
  const home = await tmpHome(t);
  const result = await runDuctor(home, []);
  assert.notEqual(result.code, 0);
  assert.match(result.stderr, /ductor onboarding/);
});

test('`ductor logs` merges every process log in time order', async (t) => {
  const home = await tmpHome(t);
  await writeConfig(home);
  const ductor = await spawnDuctor(t, home);
  await waitFor(async () => (await runDuctor(home, ['logs'])).stdout.includes('worker ready'));
  const { stdout } = await runDuctor(home, ['logs', '-n', '500']);
  for (const who of ['supervisor', 'transport', 'scheduler', 'agent:main']) assert.ok(stdout.includes(who), who);
  const stamps = stdout.trim().split('\n').map((l) => l.slice(0, 23));
  assert.deepEqual(stamps, [...stamps].sort());
  assert.equal((await ductor.status()).running, true);
  assert.doesNotMatch(stdout, /AAtestTOKEN/, 'the bot token never reaches a log');
});
