/** agents.json edited by hand: a token or name used twice is skipped with a warning that names the other agent, never the token. */
import assert from 'node:assert/strict';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { test } from 'node:test';
import { loadAgentsFile } from '../../src/shared/config/agent-config.js';
import { tmpHome } from '../helpers/tmp-home.js';

const MAIN = '1111111111:AAmainTOKENmainTOKENmainTOKENmainTOK11';
const SHARED = '2222222222:AAsharedTOKENsharedTOKENsharedTOKEN22';

test('a token used by main or an earlier entry, and a repeated name, are skipped with a warning naming the owner', async (t) => {
  const home = await tmpHome(t);
  const file = join(home, 'agents.json');
  await writeFile(file, JSON.stringify([
    { name: 'first', telegram_token: SHARED, allowed_user_ids: [1] },
    { name: 'copy', telegram_token: SHARED, allowed_user_ids: [1] },
    { name: 'mainclone', telegram_token: MAIN, allowed_user_ids: [1] },
    { name: 'first', telegram_token: '3333333333:AAthirdTOKENthirdTOKENthirdTOKENthi33', allowed_user_ids: [1] },
  ]));
  const { agents, warnings } = await loadAgentsFile(file, { mainTelegramToken: MAIN });
  assert.deepEqual(agents.map((a) => a.name), ['first']);
  assert.equal(warnings.length, 3);
  assert.match(warnings[0]!, /entry 1 \("copy"\).*telegram_token.*agent "first"/);
  assert.match(warnings[1]!, /entry 2 \("mainclone"\).*telegram_token.*agent "main"/);
  assert.match(warnings[2]!, /entry 3 \("first"\).*name/);
  for (const warning of warnings) {
    assert.ok(!warning.includes(SHARED) && !warning.includes(MAIN), 'no token in a warning');
  }
});
