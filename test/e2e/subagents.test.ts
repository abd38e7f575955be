/** Sub-agents in their own worker processes: start from agents.json, follow edits, admin commands, isolation. */
import assert from 'node:assert/strict';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { test } from 'node:test';
import { startRig, USER_ID } from '../helpers/rig.js';
import { pidOf, runDuctor } from '../helpers/spawn-ductor.js';
import { waitFor } from '../helpers/wait-for.js';

const HELPER_TOKEN = '2222222222:AAhelperTOKENhelperTOKENhelperTOKEN22';
const SECOND_TOKEN = '3333333333:AAsecondTOKENsecondTOKENsecondTOKEN33';

async function rigWithHelper(t: Parameters<typeof startRig>[0], config: Record<string, unknown> = {}) {
  const rig = await startRig(t, {
    config,
    beforeStart: async (home: string) => {
      await writeFile(join(home, 'agents.json'), JSON.stringify([{ name: 'helper', telegram_token: HELPER_TOKEN, allowed_user_ids: [USER_ID], model: 'sonnet' }]));
    },
    tokens: [HELPER_TOKEN, SECOND_TOKEN],
  });
  return rig;
}

test('a sub-agent runs in its own worker, answers through its own bot, in its own workspace', async (t) => {
  const rig = await rigWithHelper(t);
  const status = await rig.ductor.status();
  assert.equal(status.workers.find((w) => w.id === 'agent:helper')?.state, 'ready');
  assert.notEqual(pidOf(status, 'agent:helper'), pidOf(status, 'agent:main'));
  rig.tg.pushMessage({ chatId: USER_ID, userId: USER_ID, text: 'hello helper', token: HELPER_TOKEN });
  await waitFor(() => rig.tg.calls.some((c) => c.token === HELPER_TOKEN && c.method === 'sendMessage'), { timeoutMs: 20_000 });
  const start = (await rig.cliRuns()).find((r) => r.event === 'start');
  assert.equal(start?.cwd, join(rig.home, 'agents', 'helper', 'workspace'));
  assert.equal(start?.argv?.[start.argv.indexOf('--model') + 1], 'sonnet', 'the entry’s model override applies');
  assert.ok(!rig.tg.calls.some((c) => c.token !== HELPER_TOKEN && c.method === 'sendMessage'), 'the main bot sent nothing');

  // A crash of the sub-agent's worker leaves the main agent alone.
  process.kill(pidOf(status, 'agent:helper'), 'SIGKILL');
  const after = await rig.ductor.waitForStatus((s) => s.workers.find((w) => w.id === 'agent:helper')?.restarts === 1 && s.workers.find((w) => w.id === 'agent:helper')?.state === 'ready', 30_000);
  assert.equal(pidOf(after, 'agent:main'), pidOf(status, 'agent:main'));
  assert.equal(pidOf(after, 'transport'), pidOf(status, 'transport'));
});

test('`ductor agents add` starts a new agent and `agents remove` stops it, while running', async (t) => {
  const rig = await rigWithHelper(t);
  const added = await runDuctor(rig.home, ['agents', 'add', 'second', '--token', SECOND_TOKEN, '--users', String(USER_ID), '--provider', 'claude', '--model', 'haiku']);
  assert.equal(added.code, 0, added.stderr);
  await rig.ductor.waitForStatus((s) => s.workers.find((w) => w.id === 'agent:second')?.state === 'ready', 30_000);
  await waitFor(() => rig.tg.calls.some((c) => c.token === SECOND_TOKEN && c.method === 'getUpdates'), { timeoutMs: 20_000, message: 'the new bot polls' });
  const list = await runDuctor(rig.home, ['agents']);
  assert.match(list.stdout, /second\s+ready/);
  const duplicate = await runDuctor(rig.home, ['agents', 'add', 'second', '--token', SECOND_TOKEN, '--users', '1']);
  assert.notEqual(duplicate.code, 0);
  assert.match(duplicate.stderr, /already exists/);

  const removed = await runDuctor(rig.home, ['agents', 'remove', 'second', '--yes']);
  assert.equal(removed.code, 0, removed.stderr);
  await rig.ductor.waitForStatus((s) => !s.workers.some((w) => w.id === 'agent:second'), 30_000);
});

test('/agents lists the agents; /agent_stop and /agent_start control one', async (t) => {
  const rig = await rigWithHelper(t);
  rig.tg.pushMessage({ chatId: USER_ID, userId: USER_ID, text: '/agents' });
  await waitFor(() => rig.tg.visible(USER_ID).some((m) => m.visibleText.includes('helper') && m.visibleText.includes('main')), { timeoutMs: 15_000 });
  rig.tg.pushMessage({ chatId: USER_ID, userId: USER_ID, text: '/agent_stop helper' });
  await rig.ductor.waitForStatus((s) => s.workers.find((w) => w.id === 'agent:helper')?.state === 'stopped', 30_000);
  rig.tg.pushMessage({ chatId: USER_ID, userId: USER_ID, text: '/agent_start helper' });
  await rig.ductor.waitForStatus((s) => s.workers.find((w) => w.id === 'agent:helper')?.state === 'ready', 30_000);
  await waitFor(() => rig.tg.visible(USER_ID).some((m) => m.visibleText.includes('helper: ready')), { timeoutMs: 15_000 });
});
