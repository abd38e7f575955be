/** Which file of a Telegram message is taken, under which name, and how albums are grouped. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { groupMediaUpdates, mediaRefsOf } from '../../src/workers/transport/media-refs.js';
import type { Message, Update } from '../../src/workers/transport/telegram-bot.js';

const base = { message_id: 1, date: 0, chat: { id: 5, type: 'private' } };
const msg = (extra: Record<string, unknown>) => ({ ...base, ...extra }) as unknown as Message;

test('the largest photo size is taken; voice, video notes and stickers get generated names', () => {
  const photo = mediaRefsOf(msg({ photo: [
    { file_id: 'big', file_unique_id: 'B', width: 1280, height: 720 },
    { file_id: 'small', file_unique_id: 'S', width: 90, height: 60 },
  ] }));
  assert.deepEqual(photo.map((r) => [r.fileId, r.originalName, r.mime]), [['big', 'photo_B.jpg', 'image/jpeg']]);
  assert.equal(mediaRefsOf(msg({ voice: { file_id: 'v', file_unique_id: 'V' } }))[0]?.originalName, 'voice_V.ogg');
  assert.equal(mediaRefsOf(msg({ video_note: { file_id: 'n', file_unique_id: 'N' } }))[0]?.originalName, 'videonote_N.mp4');
  assert.equal(mediaRefsOf(msg({ sticker: { file_id: 's', file_unique_id: 'T', is_animated: true } }))[0]?.originalName, 'sticker_T.tgs');
  assert.equal(mediaRefsOf(msg({ document: { file_id: 'd', file_unique_id: 'D', file_name: 'a.pdf', mime_type: 'application/pdf' } }))[0]?.originalName, 'a.pdf');
  assert.deepEqual(mediaRefsOf(msg({ text: 'hi' })), []);
});

test('messages of one media group in a batch form one unit, in arrival order', () => {
  const update = (id: number, group?: string) => ({ update_id: id, message: { ...base, message_id: id, ...(group ? { media_group_id: group } : {}) } }) as unknown as Update;
  const units = groupMediaUpdates([update(1, 'g'), update(2), update(3, 'g'), update(4, 'h')]);
  assert.deepEqual(units.map((u) => u.map((x) => x.update_id)), [[1, 3], [2], [4]]);
});
