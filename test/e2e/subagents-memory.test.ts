/** Memory limits: the global agents.memory_limit_mb, and an agents.json entry's own one that wins and applies without a restart. */
import assert from 'node:assert/strict';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { test } from 'node:test';
import { startRig, USER_ID } from '../helpers/rig.js';
import { pidOf } from '../helpers/spawn-ductor.js';
import { waitFor } from '../helpers/wait-for.js';

const HELPER_TOKEN = '2222222222:AAhelperTOKENhelperTOKENhelperTOKEN22';

test('a memory_limit_mb written into one agents.json entry restarts that agent alone, live', async (t) => {
  const entry = { name: 'helper', telegram_token: HELPER_TOKEN, allowed_user_ids: [USER_ID] };
  const rig = await startRig(t, {
    config: { agents: { memory_limit_mb: 4096 } },
    tokens: [HELPER_TOKEN],
    beforeStart: async (home) => writeFile(join(home, 'agents.json'), JSON.stringify([entry])),
  });
  const before = await rig.ductor.status();
  await writeFile(join(rig.home, 'agents.json'), JSON.stringify([{ ...entry, memory_limit_mb: 16 }]));
  await rig.ductor.waitForStatus((s) => (s.workers.find((w) => w.id === 'agent:helper')?.restarts ?? 0) >= 1, 40_000);
  await waitFor(() => rig.tg.visible(USER_ID, HELPER_TOKEN).some((m) => m.visibleText.includes('memory_limit_mb') && m.visibleText.includes('16')), { timeoutMs: 20_000, message: 'the helper’s chat is told' });
  const after = await rig.ductor.status();
  assert.equal(pidOf(after, 'agent:main'), pidOf(before, 'agent:main'), 'main (under its 4096 MB) was not touched');
  assert.equal(after.workers.find((w) => w.id === 'agent:main')?.restarts, 0);
});

test('an agent worker over agents.memory_limit_mb is restarted alone and the user is told', async (t) => {
  const rig = await startRig(t, {
    config: { agents: { memory_limit_mb: 16 } },
    tokens: [HELPER_TOKEN],
    beforeStart: async (home) => writeFile(join(home, 'agents.json'), JSON.stringify([{ name: 'helper', telegram_token: HELPER_TOKEN, allowed_user_ids: [USER_ID], model: 'sonnet' }])),
  });
  const before = await rig.ductor.status();
  await waitFor(() => rig.tg.visible(USER_ID).some((m) => m.visibleText.includes('memory_limit_mb')), { timeoutMs: 40_000 });
  const after = await rig.ductor.status();
  assert.equal(pidOf(after, 'transport'), pidOf(before, 'transport'), 'the transport was not touched');
  assert.ok(after.workers.filter((w) => w.role === 'agent').some((w) => w.restarts >= 1));
});
