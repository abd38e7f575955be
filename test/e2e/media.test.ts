/** Files in and out through the real supervisor, the fake Bot API and the fake claude. */
import assert from 'node:assert/strict';
import { mkdir, readFile, readdir, symlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { test } from 'node:test';
import { startRig, USER_ID, writeClaudeTranscript, type Rig } from '../helpers/rig.js';
import { tmpHome } from '../helpers/tmp-home.js';
import { waitFor } from '../helpers/wait-for.js';

const prompts = async (rig: Rig) => {
  const runs = await rig.cliRuns();
  return [...runs.filter((r) => r.event === 'stdin').map((r) => r.stdin ?? ''), ...runs.filter((r) => r.event === 'start').map((r) => (r.argv ?? []).join(' '))];
};

function mediaMessage(chatId: number, messageId: number, media: Record<string, unknown>, caption?: string): Record<string, unknown> {
  return {
    message: {
      message_id: messageId,
      date: Math.floor(Date.now() / 1000),
      chat: { id: chatId, type: 'private', first_name: 'User' },
      from: { id: USER_ID, is_bot: false, first_name: 'User' },
      ...(caption ? { caption } : {}),
      ...media,
    },
  };
}

test('a photo and a PDF land in the workspace and their paths reach the CLI prompt', async (t) => {
  const rig = await startRig(t, { config: { streaming: { enabled: false } } });
  const photoBytes = Buffer.from('fake-jpeg-bytes');
  const pdfBytes = Buffer.from('%PDF-1.4 fake');
  const photoId = rig.tg.addFile(photoBytes, 'photos/file_0.jpg');
  const small = rig.tg.addFile(Buffer.from('thumb'), 'photos/thumb.jpg');
  rig.tg.pushUpdate(mediaMessage(USER_ID, 500, {
    photo: [
      { file_id: small, file_unique_id: 'thumbuid', width: 90, height: 90, file_size: 5 },
      { file_id: photoId, file_unique_id: 'AQADbig', width: 1280, height: 960, file_size: photoBytes.length },
    ],
  }, 'what is on this picture?'));
  await waitFor(async () => (await prompts(rig)).some((p) => p.includes('photo_AQADbig.jpg')), { timeoutMs: 20_000 });
  const pdfId = rig.tg.addFile(pdfBytes, 'documents/file_1.pdf');
  rig.tg.pushUpdate(mediaMessage(USER_ID, 501, { document: { file_id: pdfId, file_unique_id: 'pdfuid', file_name: 'Q3/report.pdf', mime_type: 'application/pdf', file_size: pdfBytes.length } }));
  await waitFor(async () => (await prompts(rig)).some((p) => p.includes('Q3_report.pdf')), { timeoutMs: 20_000 });

  const all = await prompts(rig);
  const photoPrompt = all.find((p) => p.includes('photo_AQADbig.jpg'))!;
  const day = new Date().toISOString().slice(0, 10);
  assert.match(photoPrompt, /\[INCOMING FILE\]/);
  assert.ok(photoPrompt.includes(`Path: telegram_files/${day}/photo_AQADbig.jpg`), photoPrompt);
  assert.ok(photoPrompt.includes('Type: image/jpeg'));
  assert.ok(photoPrompt.includes('User message: what is on this picture?'));
  const pdfPrompt = all.find((p) => p.includes('Q3_report.pdf'))!;
  assert.ok(pdfPrompt.includes('Type: application/pdf'));
  assert.ok(pdfPrompt.includes('Original filename: Q3/report.pdf'));

  const dir = join(rig.home, 'workspace', 'telegram_files', day);
  assert.deepEqual(await readFile(join(dir, 'photo_AQADbig.jpg')), photoBytes, 'the largest size, bytes intact');
  assert.deepEqual(await readFile(join(dir, 'Q3_report.pdf')), pdfBytes);
  const index = await readFile(join(rig.home, 'workspace', 'telegram_files', '_index.yaml'), 'utf8');
  assert.match(index, /total_files: 2/);
  assert.match(index, /"Q3_report.pdf"/);
  assert.deepEqual(await readdir(join(rig.home, 'run', 'spool', 'main')), [], 'the spool is emptied');
});

test('a file over the Bot API download limit gets a clear message and no turn', async (t) => {
  const rig = await startRig(t);
  const id = rig.tg.addFile(Buffer.from('x'), 'videos/big.mp4');
  // What Telegram answers getFile for a file above 20 MB.
  rig.tg.failNext('getFile', { code: 400, description: 'Bad Request: file is too big' });
  rig.tg.pushUpdate(mediaMessage(USER_ID, 600, { video: { file_id: id, file_unique_id: 'bigvid', width: 1, height: 1, duration: 1, file_size: 25 * 1024 * 1024 } }));
  const notice = await waitFor(() => rig.tg.visible(USER_ID).find((m) => m.visibleText.includes('20 MB')), { timeoutMs: 20_000 });
  assert.match(notice.visibleText, /25 MB/);
  assert.match(notice.visibleText, /telegram_api_root/);
  assert.equal(notice.replyTo, 600);
  // The main agent's codex model discovery (`codex app-server`) is no turn.
  assert.equal((await rig.cliRuns()).filter((r) => r.event !== 'app-server').length, 0, 'no CLI ran');
});

test('<file:…> inside the workspace is uploaded; ../ paths and a symlink escaping it are refused and reported', async (t) => {
  const scratch = await tmpHome(t, 'ductor-transcript-');
  const transcript = join(scratch, 'files.jsonl');
  const rig = await startRig(t, { env: { FAKE_CLI_TRANSCRIPT: transcript }, config: { file_access: 'workspace', streaming: { enabled: false } } });
  const out = join(rig.home, 'workspace', 'output_to_user');
  await mkdir(out, { recursive: true });
  const report = Buffer.from(Array.from({ length: 3000 }, (_, i) => i % 256));
  await writeFile(join(out, 'report.bin'), report);
  await writeFile(join(out, 'chart.png'), Buffer.from('png-bytes'));
  const secret = join(scratch, 'secret.txt');
  await writeFile(secret, 'outside');
  await symlink(secret, join(out, 'link.txt'));
  const answer = [
    'Here you go.',
    `<file:${join(out, 'report.bin')}>`,
    `<file:${join(out, 'chart.png')}>`,
    `<file:${rig.home}/workspace/../../../etc/passwd>`,
    `<file:${join(out, 'link.txt')}>`,
  ].join('\n');
  await writeClaudeTranscript(scratch, 'files', answer);

  rig.tg.pushMessage({ chatId: USER_ID, userId: USER_ID, text: 'send the files' });
  const doc = await waitFor(() => rig.tg.visible(USER_ID).find((m) => m.kind === 'document'), { timeoutMs: 20_000 });
  await waitFor(() => rig.tg.visible(USER_ID).some((m) => m.kind === 'photo'), { timeoutMs: 20_000 });
  assert.equal(doc.file?.filename, 'report.bin');
  assert.deepEqual(doc.file?.data, report, 'bytes intact');
  const text = rig.tg.visible(USER_ID).filter((m) => m.kind === 'text').map((m) => m.visibleText).join('\n');
  assert.match(text, /Here you go\./);
  assert.ok(!text.includes('<file:'), 'tags are removed from the text');
  assert.match(text, /Could not send passwd: outside the allowed directory/);
  assert.match(text, /Could not send link\.txt: outside the allowed directory/);
  const uploads = [...rig.tg.callsOf('sendDocument'), ...rig.tg.callsOf('sendPhoto')];
  assert.equal(uploads.length, 2, 'only the two files inside the workspace were sent');
});

test('a voice message is transcribed by the configured command and the transcript reaches the prompt', async (t) => {
  const rig = await startRig(t, { config: { transcription: { audio_command: 'echo transcript-of' } } });
  const id = rig.tg.addFile(Buffer.from('OggS fake'), 'voice/file_9.oga');
  rig.tg.pushUpdate(mediaMessage(USER_ID, 700, { voice: { file_id: id, file_unique_id: 'vx1', duration: 2, mime_type: 'audio/ogg', file_size: 9 } }));
  await waitFor(async () => (await prompts(rig)).some((p) => p.includes('voice_vx1.ogg')), { timeoutMs: 20_000 });
  const prompt = (await prompts(rig)).find((p) => p.includes('voice_vx1.ogg'))!;
  assert.match(prompt, /Transcript \(made by the configured transcription command\):\ntranscript-of \S+voice_vx1\.ogg/);
});
