/**
 * Two ductor homes on one host: the ports the first one holds (internal API, webhooks) do not keep
 * the second from running; its agent tools reach its own internal API on the port it recorded.
 */
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:net';
import { join } from 'node:path';
import type { TestContext } from 'node:test';
import { test } from 'node:test';
import { startRig, USER_ID } from '../helpers/rig.js';
import { waitFor } from '../helpers/wait-for.js';

/** A port held open for the whole test, as another ductor home would hold it. */
async function heldPort(t: TestContext): Promise<number> {
  const server: Server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  t.after(() => new Promise<void>((resolve) => server.close(() => resolve())));
  return (server.address() as { port: number }).port;
}

test('with interagent_port and webhooks.port held by another home, ductor runs, records its own API port, and the tools use it', async (t) => {
  const apiPort = await heldPort(t);
  const hookPort = await heldPort(t);
  const rig = await startRig(t, {
    config: { interagent_port: apiPort, webhooks: { enabled: true, port: hookPort } },
    env: { FAKE_CLI_EXEC: JSON.stringify([{ on: 'list my tasks', run: 'node tools/task_tools/list_tasks.mjs' }]) },
  });
  const recorded = Number((await waitFor(() => readFile(join(rig.home, 'run', 'internal-api.port'), 'utf8').catch(() => ''), { timeoutMs: 15_000 })).trim());
  assert.ok(recorded > 0 && recorded !== apiPort, `a free port was taken (${recorded})`);

  rig.tg.pushMessage({ chatId: USER_ID, userId: USER_ID, text: 'list my tasks' });
  const exec = await waitFor(async () => (await rig.cliRuns() as Array<{ event: string; code?: number; stdout?: string }>).find((r) => r.event === 'exec'), { timeoutMs: 30_000, message: 'the tool ran' });
  assert.equal(exec.code, 0, exec.stdout);
  assert.doesNotMatch(exec.stdout ?? '', /not reachable/);

  const log = await readFile(join(rig.home, 'logs', 'scheduler.log'), 'utf8');
  assert.match(log, /"key":"interagent_port"/);
  assert.match(log, /"key":"webhooks.port"/);
});
