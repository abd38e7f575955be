import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { test } from 'node:test';
import { isGroupAlive, listProcessTree } from '../../src/workers/agent/providers/process-tree.js';
import { waitFor } from '../helpers/wait-for.js';

test('a CLI group is checked asynchronously through its known pids: alive while one runs, gone once all are', async (t) => {
  // The shell leads its own group and starts a child that stays in it.
  const leader = spawn('sh', ['-c', 'sleep 60 & wait'], { detached: true, stdio: 'ignore' });
  const pgid = leader.pid!;
  t.after(() => {
    try {
      process.kill(-pgid, 'SIGKILL');
    } catch {
      // Already gone.
    }
  });
  const known = await waitFor(async () => {
    const tree = await listProcessTree(pgid);
    return tree.length > 0 ? tree : null;
  }, { message: 'the sleep child is listed' });
  const check = isGroupAlive(pgid, known);
  assert.ok(check instanceof Promise, 'the check does not block the event loop');
  assert.equal(await check, true);

  // The leader goes; the group lives on in its child, which only the known pids can tell.
  process.kill(pgid, 'SIGKILL');
  await waitFor(() => leader.exitCode !== null || leader.signalCode !== null, { message: 'the leader exited' });
  assert.equal(await isGroupAlive(pgid, known), true, 'the known child still runs');
  process.kill(-pgid, 'SIGKILL');
  await waitFor(async () => !(await isGroupAlive(pgid, known)), { message: 'the group is gone' });
});
