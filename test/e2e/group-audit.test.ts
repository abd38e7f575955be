/** Groups no longer on the allowlist are left at start and right after a hot reload. */
import assert from 'node:assert/strict';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { test } from 'node:test';
import { startRig, USER_ID } from '../helpers/rig.js';
import { waitFor } from '../helpers/wait-for.js';

const left = (rig: Awaited<ReturnType<typeof startRig>>) => rig.tg.callsOf('leaveChat').map((c) => c.params.chat_id);

test('a tracked group not allowed is left at start; one removed from allowed_group_ids is left on the hot reload', async (t) => {
  const rig = await startRig(t, {
    config: { allowed_group_ids: [-100123, -100124] },
    beforeStart: async (home) => {
      const entry = { chat_id: -100777, title: 'Old', type: 'supergroup', status: 'active', reject_count: 0, last_seen: new Date().toISOString(), agent: 'main' };
      await writeFile(join(home, 'chat_activity.json'), JSON.stringify({ chats: { 'main:-100777': entry } }));
    },
  });
  await waitFor(() => left(rig).includes(-100777), { timeoutMs: 20_000, message: 'left at start' });
  rig.tg.pushMessage({ chatId: -100124, userId: USER_ID, text: 'hello', chatType: 'supergroup' });
  await waitFor(async () => (await readFile(join(rig.home, 'chat_activity.json'), 'utf8')).includes('-100124'), { timeoutMs: 20_000 });
  const file = join(rig.home, 'config', 'config.json');
  const config = JSON.parse(await readFile(file, 'utf8')) as Record<string, unknown>;
  await writeFile(file, JSON.stringify({ ...config, allowed_group_ids: [-100123] }, null, 2));
  await waitFor(() => left(rig).includes(-100124), { timeoutMs: 20_000, message: 'left after the reload' });
  assert.ok(!left(rig).includes(-100123), 'an allowed group stays');
  const status = async () => (JSON.parse(await readFile(join(rig.home, 'chat_activity.json'), 'utf8')) as { chats: Record<string, { status: string }> }).chats['main:-100124']?.status;
  await waitFor(async () => (await status()) === 'auto_left', { timeoutMs: 10_000, message: 'recorded as auto_left' });
});
