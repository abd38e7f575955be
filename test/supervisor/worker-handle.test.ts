/** A worker whose event loop is stuck (process alive, no answers) is found by ping and killed, so it is restarted. */
import assert from 'node:assert/strict';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';
import { test } from 'node:test';
import { Writable } from 'node:stream';
import pino from 'pino';
import { isProcessAlive } from '../../src/shared/process-alive.js';
import { WorkerHandle, type ExitInfo, type WorkerSpec } from '../../src/supervisor/worker-handle.js';
import { waitFor } from '../helpers/wait-for.js';

const FIXTURE = fileURLToPath(new URL('./fixtures/hang-worker.mjs', import.meta.url));

function capturingLog() {
  const lines: Array<{ level: number; msg: string; worker?: string }> = [];
  const sink = new Writable({ write(chunk: Buffer, _e, done) { lines.push(JSON.parse(chunk.toString())); done(); } });
  return { log: pino({ level: 'debug' }, sink), lines };
}

function spec(): WorkerSpec {
  return {
    id: 'scheduler', role: 'scheduler', agent: null, entry: FIXTURE, execArgv: [], env: { ...process.env, HANG_WORKER_ID: 'scheduler' },
    liveness: { intervalMs: 100, timeoutMs: 200, misses: 3 },
  };
}

test('a worker that stops answering ping is killed as hung and reported as an unplanned exit', async (t) => {
  const { log, lines } = capturingLog();
  const handle = new WorkerHandle(spec(), () => ({}), async () => undefined, log);
  t.after(() => handle.stop('test over'));
  await handle.start();
  const pid = handle.pid!;
  // Answering: several ping rounds pass and nothing happens.
  await waitFor(() => lines.length === 0 && Date.now() - handle.startedAtMs! > 600, { timeoutMs: 5_000 });
  assert.equal(handle.state, 'ready');
  const exited = once(handle, 'exit') as Promise<[ExitInfo]>;
  process.kill(pid, 'SIGUSR2');
  const [info] = await exited;
  assert.equal(info.planned, false, 'the supervisor restarts it like a crash');
  assert.equal(info.hung, true);
  assert.equal(info.signal, 'SIGKILL');
  assert.equal(handle.state, 'crashed');
  await waitFor(() => !isProcessAlive(pid));
  assert.ok(lines.some((l) => l.level >= 50 && /stopped answering/.test(l.msg)), 'the kill is logged as an error');
  assert.ok(lines.filter((l) => /did not answer ping/.test(l.msg)).length >= 2, 'each missed ping is logged');
});

test('a worker that answers ping is never killed, and a stop ends the pinging', async () => {
  const { log, lines } = capturingLog();
  const handle = new WorkerHandle(spec(), () => ({}), async () => undefined, log);
  await handle.start();
  await waitFor(() => Date.now() - handle.startedAtMs! > 1_000, { timeoutMs: 5_000 });
  assert.equal(handle.state, 'ready');
  assert.deepEqual(lines.filter((l) => /ping|stopped answering/.test(l.msg)), []);
  await handle.stop('done');
  assert.equal(handle.state, 'stopped');
});
