/** docker.enabled through the real supervisor: turns run via `docker exec` in one shared container. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { startRig, USER_ID } from '../helpers/rig.js';
import { runDuctor } from '../helpers/spawn-ductor.js';
import { waitFor } from '../helpers/wait-for.js';
import { installFakeDocker } from '../sandbox/fake-docker.js';
import { tmpHome } from '../helpers/tmp-home.js';
import { FAKE_CLI_DIR } from '../helpers/rig.js';

const CONTAINER = 'ductor-sandbox';

async function fakeDocker(t: Parameters<typeof tmpHome>[0], engine: boolean) {
  const dir = await tmpHome(t, 'ductor-fake-docker-');
  return installFakeDocker(dir, { engine, images: ['ductor-sandbox'], containers: {} });
}

test('with docker.enabled a chat turn runs through docker exec in the container, and ductor stop removes it', async (t) => {
  const docker = await fakeDocker(t, true);
  const rig = await startRig(t, { config: { docker: { enabled: true } }, env: { PATH: `${docker.dir}:${FAKE_CLI_DIR}:${process.env.PATH ?? ''}` } });
  rig.tg.pushMessage({ chatId: USER_ID, userId: USER_ID, text: 'hello from the sandbox test' });
  await waitFor(() => rig.tg.visible(USER_ID).some((m) => m.kind === 'text' && !m.visibleText.includes('queue')), { timeoutMs: 20_000, message: 'an answer' });
  const calls = await docker.calls();
  const run = calls.find((c) => c[0] === 'run');
  assert.ok(run, 'the container was started');
  assert.equal(run[run.indexOf('-v') + 1], `${rig.home}:/ductor`, 'the main home is mounted at /ductor');
  const exec = calls.find((c) => c[0] === 'exec');
  assert.ok(exec, 'the CLI ran through docker exec');
  assert.equal(exec[exec.indexOf('-w') + 1], '/ductor/workspace');
  assert.ok(exec.includes(CONTAINER) && exec[exec.indexOf(CONTAINER) + 1] === 'claude');
  const start = (await rig.cliRuns()).find((r) => r.event === 'start');
  assert.ok(start, 'the fake claude ran (inside the fake container)');

  // A second turn reuses the running container instead of starting another.
  rig.tg.pushMessage({ chatId: USER_ID, userId: USER_ID, text: 'second message' });
  await waitFor(async () => (await docker.calls()).filter((c) => c[0] === 'exec').length === 2, { timeoutMs: 20_000, message: 'second exec' });
  assert.equal((await docker.calls()).filter((c) => c[0] === 'run').length, 1);

  const stopped = await runDuctor(rig.home, ['stop'], { PATH: docker.path });
  assert.equal(stopped.code, 0, stopped.stderr);
  await rig.ductor.waitForExit();
  assert.deepEqual((await docker.state()).containers, {}, 'the container is gone after ductor stop');
  assert.ok((await docker.calls()).some((c) => c[0] === 'stop' && c.includes(CONTAINER)));
});

test('with docker.enabled and the engine down, the user is told in one line and nothing runs on the host', async (t) => {
  const docker = await fakeDocker(t, false);
  const rig = await startRig(t, { config: { docker: { enabled: true } }, env: { PATH: `${docker.dir}:${FAKE_CLI_DIR}:${process.env.PATH ?? ''}` } });
  rig.tg.pushMessage({ chatId: USER_ID, userId: USER_ID, text: 'are you sandboxed?' });
  const answer = await waitFor(() => rig.tg.visible(USER_ID).find((m) => m.visibleText.includes('Docker engine is not running')), { timeoutMs: 20_000, message: 'the refusal' });
  assert.equal(answer.visibleText.trim().split('\n').length, 1, 'one line');
  assert.ok(answer.visibleText.includes('ductor docker disable'));
  assert.deepEqual(await rig.cliRuns(), [], 'no CLI ran on the host');
  assert.ok(!(await docker.calls()).some((c) => c[0] === 'exec' || c[0] === 'run'));
});

test('with docker.fallback_to_host the turn runs on the host when the engine is down', async (t) => {
  const docker = await fakeDocker(t, false);
  const rig = await startRig(t, { config: { docker: { enabled: true, fallback_to_host: true } }, env: { PATH: `${docker.dir}:${FAKE_CLI_DIR}:${process.env.PATH ?? ''}` } });
  rig.tg.pushMessage({ chatId: USER_ID, userId: USER_ID, text: 'run anyway' });
  await waitFor(async () => (await rig.cliRuns()).some((r) => r.event === 'start'), { timeoutMs: 20_000, message: 'the CLI ran on the host' });
  assert.ok(!(await docker.calls()).some((c) => c[0] === 'exec'));
  await waitFor(() => rig.tg.visible(USER_ID).some((m) => m.kind === 'text' && !m.visibleText.includes('queue') && !m.visibleText.includes('Docker')), { timeoutMs: 20_000, message: 'answer' });
});
