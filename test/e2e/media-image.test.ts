/** A real photo sent to the bot reaches the CLI downscaled and re-encoded as the `image` config asks. */
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { test } from 'node:test';
import sharp from 'sharp';
import { startRig, USER_ID, type Rig } from '../helpers/rig.js';
import { waitFor } from '../helpers/wait-for.js';

const prompts = async (rig: Rig) => {
  const runs = await rig.cliRuns();
  return [...runs.filter((r) => r.event === 'stdin').map((r) => r.stdin ?? ''), ...runs.filter((r) => r.event === 'start').map((r) => (r.argv ?? []).join(' '))];
};

test('a 3000 px photo reaches the CLI as a 1200 px webp', async (t) => {
  const rig = await startRig(t, { config: { streaming: { enabled: false }, image: { max_dimension: 1200, output_format: 'webp', quality: 80 } } });
  const jpeg = await sharp({ create: { width: 3000, height: 2000, channels: 3, background: '#cc6633' } }).jpeg().toBuffer();
  const fileId = rig.tg.addFile(jpeg, 'photos/file_9.jpg');
  rig.tg.pushUpdate({
    message: {
      message_id: 900, date: Math.floor(Date.now() / 1000),
      chat: { id: USER_ID, type: 'private', first_name: 'User' }, from: { id: USER_ID, is_bot: false, first_name: 'User' },
      caption: 'look', photo: [{ file_id: fileId, file_unique_id: 'BIGPIC', width: 3000, height: 2000, file_size: jpeg.length }],
    },
  });
  const prompt = await waitFor(async () => (await prompts(rig)).find((p) => p.includes('photo_BIGPIC')), { timeoutMs: 20_000 });
  const day = new Date().toISOString().slice(0, 10);
  assert.ok(prompt.includes(`telegram_files/${day}/photo_BIGPIC.webp`), prompt);
  assert.ok(prompt.includes('image/webp'), prompt);
  const meta = await sharp(join(rig.home, 'workspace', 'telegram_files', day, 'photo_BIGPIC.webp')).metadata();
  assert.deepEqual([meta.format, meta.width, meta.height], ['webp', 1200, 800]);
});
