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

test('a video and an audio file named in the answer go out with Telegram’s players, bytes intact', async (t) => {
  const { mkdir, writeFile } = await import('node:fs/promises');
  const { tmpHome } = await import('../helpers/tmp-home.js');
  const { writeClaudeTranscript } = await import('../helpers/rig.js');
  const scratch = await tmpHome(t, 'ductor-transcript-');
  const rig = await startRig(t, { env: { FAKE_CLI_TRANSCRIPT: join(scratch, 'media.jsonl') }, config: { streaming: { enabled: false } } });
  const out = join(rig.home, 'workspace', 'output_to_user');
  await mkdir(out, { recursive: true });
  const video = Buffer.from(Array.from({ length: 2048 }, (_, i) => (i * 7) % 256));
  const audio = Buffer.from(Array.from({ length: 1024 }, (_, i) => (i * 3) % 256));
  await writeFile(join(out, 'clip.mp4'), video);
  await writeFile(join(out, 'note.mp3'), audio);
  await writeClaudeTranscript(scratch, 'media', `Done.\n<file:${join(out, 'clip.mp4')}>\n<file:${join(out, 'note.mp3')}>`);
  rig.tg.pushMessage({ chatId: USER_ID, userId: USER_ID, text: 'make media' });
  const sentVideo = await waitFor(() => rig.tg.visible(USER_ID).find((m) => m.kind === 'video'), { timeoutMs: 20_000 });
  const sentAudio = await waitFor(() => rig.tg.visible(USER_ID).find((m) => m.kind === 'audio'), { timeoutMs: 20_000 });
  assert.deepEqual(sentVideo.file?.data, video);
  assert.deepEqual(sentAudio.file?.data, audio);
  assert.equal(rig.tg.callsOf('sendDocument').length, 0);
});

test('an album whose parts arrive in different polls runs as one turn with every picture', async (t) => {
  const rig = await startRig(t, { config: { streaming: { enabled: false } } });
  const push = (messageId: number, uid: string, caption?: string) => {
    const fileId = rig.tg.addFile(Buffer.from(`jpeg-${uid}`), `photos/${uid}.jpg`);
    rig.tg.pushUpdate({
      message: {
        message_id: messageId, date: Math.floor(Date.now() / 1000), media_group_id: 'album-77',
        chat: { id: USER_ID, type: 'private', first_name: 'User' }, from: { id: USER_ID, is_bot: false, first_name: 'User' },
        ...(caption ? { caption } : {}), photo: [{ file_id: fileId, file_unique_id: uid, width: 800, height: 600, file_size: 9 }],
      },
    });
  };
  const pollsBefore = rig.tg.callsOf('getUpdates').length;
  push(950, 'ALB1', 'two pictures');
  // The first part is taken and confirmed (the next getUpdates carries its offset) before the second is sent.
  await waitFor(() => rig.tg.pendingUpdates().length === 0 && rig.tg.callsOf('getUpdates').length >= pollsBefore + 1, { timeoutMs: 20_000 });
  push(951, 'ALB2');
  const prompt = await waitFor(async () => (await prompts(rig)).find((p) => p.includes('photo_ALB1') && p.includes('photo_ALB2')), { timeoutMs: 20_000 });
  assert.match(prompt, /two pictures/);
  assert.equal((await rig.cliRuns()).filter((r) => r.event === 'start').length, 1, 'one turn for the whole album');
});
