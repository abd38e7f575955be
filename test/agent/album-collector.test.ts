/** Album parts arriving apart are joined into one turn once no more parts come. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Inbound } from '../../src/shared/rpc/conversation-schemas.js';
import { AlbumCollector, mergeAlbum, type Album } from '../../src/workers/agent/media/album-collector.js';
import { waitFor } from '../helpers/wait-for.js';

function part(messageId: number, text: string, file: string, group = 'g1'): Inbound {
  return {
    id: `tg:1:${messageId}`, chat: { transport: 'tg', chatId: 1, topicId: null }, userId: 1, messageId, chatType: 'private',
    kind: 'message', text, receivedAt: '2026-01-01T00:00:00Z', mediaGroup: group,
    attachments: [{ path: `/w/${file}`, kind: 'photo', mime: 'image/jpeg', originalName: file, sizeBytes: 1, uniqueId: file }],
  };
}

test('parts of one album become one inbound with every file and caption, in message order', () => {
  const album = mergeAlbum([part(12, '', 'b.jpg'), part(11, 'look at these', 'a.jpg')]);
  assert.deepEqual(album.partIds, ['tg:1:11', 'tg:1:12']);
  assert.equal(album.merged.id, 'tg:1:11');
  assert.equal(album.merged.text, 'look at these');
  assert.deepEqual(album.merged.attachments.map((a) => a.originalName), ['a.jpg', 'b.jpg']);
});

test('the collector waits for the album to be quiet and keeps albums apart', async () => {
  const albums: Album[] = [];
  const collector = new AlbumCollector((album) => albums.push(album), 50);
  collector.add(part(1, 'first', 'a.jpg'));
  collector.add(part(2, '', 'b.jpg'));
  collector.add(part(3, 'other album', 'c.jpg', 'g2'));
  await waitFor(() => albums.length === 2, { timeoutMs: 2_000 });
  const byFirst = new Map(albums.map((a) => [a.merged.id, a]));
  assert.deepEqual(byFirst.get('tg:1:1')?.partIds, ['tg:1:1', 'tg:1:2']);
  assert.deepEqual(byFirst.get('tg:1:3')?.partIds, ['tg:1:3']);
});
