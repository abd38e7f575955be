import assert from 'node:assert/strict';
import { test } from 'node:test';
import { InboundSchema, makeInbound } from '../../src/shared/rpc/conversation-schemas.js';

test('makeInbound fills a plain message that the RPC contract accepts; given fields win', () => {
  const chat = { transport: 'tg' as const, chatId: 5, topicId: null };
  const plain = makeInbound({ id: 'tg:5:1', chat, userId: 5, chatType: 'private', text: 'hi', receivedAt: new Date('2026-01-02T03:04:05Z') });
  assert.deepEqual(plain, { id: 'tg:5:1', chat, userId: 5, messageId: null, chatType: 'private', kind: 'message', text: 'hi', receivedAt: '2026-01-02T03:04:05.000Z', attachments: [] });
  assert.deepEqual(InboundSchema.parse(plain), plain);
  const pressed = makeInbound({ id: 'cb:9', chat, userId: 5, chatType: 'private', text: 'rt:1', kind: 'callback', messageId: 7 });
  assert.equal(pressed.kind, 'callback');
  assert.equal(pressed.messageId, 7);
  assert.ok(Math.abs(Date.parse(pressed.receivedAt) - Date.now()) < 60_000, 'received now by default');
});
