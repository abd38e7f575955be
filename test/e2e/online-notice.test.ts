/** "I'm online" on the first start of a home (after the wizard too) and after a reboot; silence on a service restart. */
import assert from 'node:assert/strict';
import { readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { test } from 'node:test';
import { detectStartup } from '../../src/workers/transport/startup-notice.js';
import { startRig, USER_ID } from '../helpers/rig.js';
import { tmpHome } from '../helpers/tmp-home.js';
import { waitFor } from '../helpers/wait-for.js';

test('the first start tells every allowed user the bot is online', async (t) => {
  const rig = await startRig(t, { beforeStart: (home) => rm(join(home, 'startup.json'), { force: true }) });
  const notice = await waitFor(() => rig.tg.visible(USER_ID).find((m) => m.visibleText.includes("I'm online")), { timeoutMs: 20_000 });
  assert.match(notice.visibleText, /\/help/);
  const recorded = JSON.parse(await readFile(join(rig.home, 'startup.json'), 'utf8')) as { agents: Record<string, unknown> };
  assert.ok(recorded.agents.main, 'the start is remembered');
});

test('start kinds: first start, then a service restart on the same boot, then a reboot', async (t) => {
  const home = await tmpHome(t);
  assert.equal(await detectStartup(home, 'main', 'boot-a'), 'first_start');
  assert.equal(await detectStartup(home, 'main', 'boot-a'), 'service_restart');
  assert.equal(await detectStartup(home, 'main', 'boot-b'), 'system_reboot');
  assert.equal(await detectStartup(home, 'helper', 'boot-b'), 'first_start', 'per agent');
  await writeFile(join(home, 'startup.json'), 'not json');
  assert.equal(await detectStartup(home, 'main', 'boot-b'), 'first_start', 'an unreadable file counts as never started');
});
