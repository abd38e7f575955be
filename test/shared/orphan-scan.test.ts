/** One pass over /proc finds the processes of several agents' markers (shared/orphan-processes.ts). */
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { test } from 'node:test';
import { CLI_OWNER_ENV, findMarkedProcesses, findProcessesByMarker } from '../../src/shared/orphan-processes.js';
import { waitFor } from '../helpers/wait-for.js';

function markedChild(marker: string): ChildProcess {
  return spawn(process.execPath, ['-e', 'setInterval(() => {}, 1000)'], { env: { ...process.env, [CLI_OWNER_ENV]: marker }, stdio: 'ignore' });
}

test('findProcessesByMarker finds each marker’s processes in one pass and leaves unmatched markers out', async (t) => {
  const tag = `${process.pid}-${Date.now()}`;
  if (process.platform !== 'linux') {
    // Without /proc nothing is found (the documented limitation).
    assert.equal(findProcessesByMarker([`scan-${tag}:alpha`]).size, 0);
    return;
  }
  const a = markedChild(`scan-${tag}:alpha`);
  const b = markedChild(`scan-${tag}:beta`);
  t.after(async () => {
    for (const child of [a, b]) {
      if (child.exitCode === null && child.signalCode === null) {
        child.kill('SIGKILL');
        await once(child, 'exit');
      }
    }
  });
  await Promise.all([once(a, 'spawn'), once(b, 'spawn')]);
  const found = await waitFor(() => {
    const map = findProcessesByMarker([`scan-${tag}:alpha`, `scan-${tag}:beta`, `scan-${tag}:gamma`]);
    return map.size === 2 ? map : null;
  }, { message: 'both marked children found' });
  assert.deepEqual(found.get(`scan-${tag}:alpha`), [a.pid]);
  assert.deepEqual(found.get(`scan-${tag}:beta`), [b.pid]);
  assert.equal(found.has(`scan-${tag}:gamma`), false);
  // A marker is matched whole: "alpha" does not find "alphabet".
  assert.deepEqual(findMarkedProcesses(`scan-${tag}:alph`), []);
});
