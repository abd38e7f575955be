/** A sub-agent's token replaced while running: the new bot's first message (same message id as the old bot's first) is answered. */
import assert from 'node:assert/strict';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { test } from 'node:test';
import { startRig, USER_ID } from '../helpers/rig.js';
import { waitFor } from '../helpers/wait-for.js';

const OLD_TOKEN = '2222222222:AAhelperTOKENhelperTOKENhelperTOKEN22';
const NEW_TOKEN = '6666666666:AAnewbotTOKENnewbotTOKENnewbotTOKEN66';

test('after a token change, the first message to the new bot is answered, not taken as already done', async (t) => {
  const entry = { name: 'helper', allowed_user_ids: [USER_ID] };
  const rig = await startRig(t, {
    tokens: [OLD_TOKEN, NEW_TOKEN],
    beforeStart: async (home) => writeFile(join(home, 'agents.json'), JSON.stringify([{ ...entry, telegram_token: OLD_TOKEN }])),
  });
  const old = rig.tg.pushMessage({ chatId: USER_ID, userId: USER_ID, text: 'hello', token: OLD_TOKEN });
  await waitFor(() => rig.tg.sent(USER_ID, OLD_TOKEN).some((m) => m.replyTo === old.messageId), { timeoutMs: 30_000, message: 'the old bot answers' });

  await writeFile(join(rig.home, 'agents.json'), JSON.stringify([{ ...entry, telegram_token: NEW_TOKEN }]));
  await waitFor(() => rig.tg.calls.some((c) => c.token === NEW_TOKEN && c.method === 'getUpdates'), { timeoutMs: 30_000, message: 'the new bot polls' });
  const first = rig.tg.pushMessage({ chatId: USER_ID, userId: USER_ID, text: 'hello', token: NEW_TOKEN });
  assert.equal(first.messageId, old.messageId, 'the new bot’s chat numbers from 1 again');
  await waitFor(() => rig.tg.sent(USER_ID, NEW_TOKEN).some((m) => m.replyTo === first.messageId), { timeoutMs: 30_000, message: 'the new bot answers its first message' });
});
