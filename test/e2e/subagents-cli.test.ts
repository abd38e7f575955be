/** `ductor agents` on a home: refused tokens, the listing without a running ductor, clashes reported in main's chat. */
import assert from 'node:assert/strict';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { test } from 'node:test';
import { FAKE_TOKEN } from '../helpers/fake-telegram.js';
import { startRig, USER_ID } from '../helpers/rig.js';
import { runDuctor } from '../helpers/spawn-ductor.js';
import { tmpHome, writeConfig } from '../helpers/tmp-home.js';
import { waitFor } from '../helpers/wait-for.js';

const HELPER_TOKEN = '2222222222:AAhelperTOKENhelperTOKENhelperTOKEN22';
const OTHER_TOKEN = '5555555555:AAotherTOKENotherTOKENotherTOKENoth55';

test('`agents add` refuses a token main or another agent already uses, and says whose it is', async (t) => {
  const home = await tmpHome(t);
  await writeConfig(home, { telegram_token: FAKE_TOKEN, allowed_user_ids: [USER_ID] });
  const file = join(home, 'agents.json');
  await writeFile(file, JSON.stringify([{ name: 'helper', telegram_token: HELPER_TOKEN, allowed_user_ids: [USER_ID] }]));
  const before = await readFile(file, 'utf8');

  const mains = await runDuctor(home, ['agents', 'add', 'twin', '--token', FAKE_TOKEN, '--users', String(USER_ID)]);
  assert.notEqual(mains.code, 0);
  assert.match(mains.stderr, /token.*already used by agent "main"/);
  const helpers = await runDuctor(home, ['agents', 'add', 'twin', '--token', HELPER_TOKEN, '--users', String(USER_ID)]);
  assert.notEqual(helpers.code, 0);
  assert.match(helpers.stderr, /token.*already used by agent "helper"/);
  for (const run of [mains, helpers]) assert.ok(!`${run.stdout}${run.stderr}`.includes('AAhelper') && !`${run.stdout}${run.stderr}`.includes('AAFake'), 'the token is never printed');
  assert.equal(await readFile(file, 'utf8'), before, 'agents.json untouched');

  const fine = await runDuctor(home, ['agents', 'add', 'twin', '--token', OTHER_TOKEN, '--users', String(USER_ID)]);
  assert.equal(fine.code, 0, fine.stderr);
});

test('`agents list` without a running ductor shows every agent stopped, with empty pid, uptime and memory', async (t) => {
  const home = await tmpHome(t);
  await writeConfig(home, { telegram_token: FAKE_TOKEN, allowed_user_ids: [USER_ID] });
  await writeFile(join(home, 'agents.json'), JSON.stringify([{ name: 'helper', telegram_token: HELPER_TOKEN, allowed_user_ids: [USER_ID], model: 'sonnet', memory_limit_mb: 300 }]));
  const list = await runDuctor(home, ['agents', 'list']);
  assert.equal(list.code, 0, list.stderr);
  const lines = list.stdout.trim().split('\n');
  assert.match(lines[0]!, /name\s+state\s+pid\s+uptime\s+restarts\s+memory\s+limit\s+provider\s+model/);
  assert.match(lines[1]!, /^main\s+stopped\s+-\s+-\s+-\s+-\s+\d+ MB\s+claude\s+/);
  assert.match(lines[2]!, /^helper\s+stopped\s+-\s+-\s+-\s+-\s+300 MB\s+inherited\s+sonnet/);
  assert.match(list.stdout, /ductor is not running/);
});

test('with ductor running, `agents list` shows state, pid, uptime, restarts and memory of each agent', async (t) => {
  const rig = await startRig(t, {
    tokens: [HELPER_TOKEN],
    beforeStart: async (home) => {
      await writeFile(join(home, 'agents.json'), JSON.stringify([{ name: 'helper', telegram_token: HELPER_TOKEN, allowed_user_ids: [USER_ID] }]));
    },
  });
  const status = await rig.ductor.status();
  const list = await runDuctor(rig.home, ['agents', 'list']);
  assert.equal(list.code, 0, list.stderr);
  const helperPid = status.workers.find((w) => w.id === 'agent:helper')?.pid;
  assert.match(list.stdout, new RegExp(`^helper\\s+ready\\s+${helperPid}\\s+\\d+[smhd]\\S*\\s+0\\s+\\d+ MB\\s+\\d+ MB`, 'm'));

  rig.tg.pushMessage({ chatId: USER_ID, userId: USER_ID, text: '/agents' });
  await waitFor(() => rig.tg.visible(USER_ID, FAKE_TOKEN).some((m) => /helper.*ready.*\d+ MB/.test(m.visibleText)), { timeoutMs: 15_000, message: '/agents shows memory' });
  const shown = rig.tg.visible(USER_ID, FAKE_TOKEN).find((m) => m.visibleText.includes('helper'))!;
  assert.match(shown.visibleText, new RegExp(`pid ${helperPid}`));
});

test('a token clash in a hand-edited agents.json is reported in the log and in main’s chat, and the other agents keep running', async (t) => {
  const rig = await startRig(t, {
    tokens: [HELPER_TOKEN],
    beforeStart: async (home) => {
      await writeFile(join(home, 'agents.json'), JSON.stringify([
        { name: 'helper', telegram_token: HELPER_TOKEN, allowed_user_ids: [USER_ID] },
        { name: 'twin', telegram_token: HELPER_TOKEN, allowed_user_ids: [USER_ID] },
      ]));
    },
  });
  const notice = await waitFor(() => rig.tg.visible(USER_ID, FAKE_TOKEN).find((m) => m.visibleText.includes('twin')), { timeoutMs: 20_000, message: 'main’s chat is told' });
  assert.match(notice.visibleText, /agents\.json/);
  assert.match(notice.visibleText, /agent "helper"/);
  assert.ok(!notice.visibleText.includes(HELPER_TOKEN));
  const status = await rig.ductor.status();
  assert.equal(status.workers.find((w) => w.id === 'agent:helper')?.state, 'ready');
  assert.ok(!status.workers.some((w) => w.id === 'agent:twin'), 'the clashing entry is not started');
  assert.match(rig.ductor.output(), /twin.*already used by agent .{0,2}helper/, 'the log names the clash');

  // Edited while running: a second clash is reported once, as it appears.
  await writeFile(join(rig.home, 'agents.json'), JSON.stringify([
    { name: 'helper', telegram_token: HELPER_TOKEN, allowed_user_ids: [USER_ID] },
    { name: 'twin', telegram_token: HELPER_TOKEN, allowed_user_ids: [USER_ID] },
    { name: 'mainclone', telegram_token: FAKE_TOKEN, allowed_user_ids: [USER_ID] },
  ]));
  await waitFor(() => rig.tg.visible(USER_ID, FAKE_TOKEN).some((m) => m.visibleText.includes('mainclone') && m.visibleText.includes('agent "main"')), { timeoutMs: 20_000, message: 'the new clash is reported' });
  assert.equal(rig.tg.visible(USER_ID, FAKE_TOKEN).filter((m) => m.visibleText.includes('twin')).length, 1, 'the old clash is not repeated');
});
