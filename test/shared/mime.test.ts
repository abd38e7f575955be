import assert from 'node:assert/strict';
import { test } from 'node:test';
import { mimeOf } from '../../src/shared/mime.js';

test('mimeOf names the type by extension, any case, with Telegram stickers and an octet-stream fallback', () => {
  assert.equal(mimeOf('photo.JPG'), 'image/jpeg');
  assert.equal(mimeOf('/tmp/x/voice.oga'), 'audio/ogg');
  assert.equal(mimeOf('report.docx'), 'application/vnd.openxmlformats-officedocument.wordprocessingml.document');
  assert.equal(mimeOf('notes.md'), 'text/markdown');
  assert.equal(mimeOf('sticker.tgs'), 'application/x-tgsticker');
  assert.equal(mimeOf('blob.unknownext'), 'application/octet-stream');
  assert.equal(mimeOf('tgs'), 'application/octet-stream', 'a bare name is no extension');
});
