/** Who may talk and what an update becomes, before anything reaches an agent. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { classifyUpdate, type AccessPolicy } from '../../src/workers/transport/ingress.js';
import type { Update } from '../../src/workers/transport/telegram-bot.js';

const policy: AccessPolicy = { allowedUserIds: [10], allowedGroupIds: [-100500], groupMentionOnly: false, botId: 99, botUsername: 'ductor_bot' };

function message(fields: Record<string, unknown>): Update {
  return {
    update_id: 1,
    message: { message_id: 5, date: 0, chat: { id: 10, type: 'private' }, from: { id: 10, is_bot: false, first_name: 'U' }, text: 'hi', ...fields },
  } as unknown as Update;
}

test('a private message from an allowed user becomes an inbound message', () => {
  const decision = classifyUpdate(message({}), policy, new Date('2026-01-01T00:00:00Z'));
  assert.equal(decision.kind, 'inbound');
  if (decision.kind !== 'inbound') return;
  assert.deepEqual(decision.inbound, {
    id: 'tg:99:10:5', chat: { transport: 'tg', chatId: 10, topicId: null }, userId: 10, messageId: 5,
    chatType: 'private', kind: 'message', text: 'hi', receivedAt: '2026-01-01T00:00:00.000Z', attachments: [],
  });
});

test('an unlisted user is dropped, in private and in an allowed group', () => {
  assert.deepEqual(classifyUpdate(message({ from: { id: 11, is_bot: false, first_name: 'X' }, chat: { id: 11, type: 'private' } }), policy), { kind: 'drop', reason: 'user not allowed' });
  const inGroup = classifyUpdate(message({ from: { id: 11, is_bot: false, first_name: 'X' }, chat: { id: -100500, type: 'supergroup' } }), policy);
  assert.equal(inGroup.kind, 'drop');
});

test('an unlisted group is left, even when an allowed user writes there', () => {
  const decision = classifyUpdate(message({ chat: { id: -100777, type: 'supergroup', title: 'Elsewhere' } }), policy);
  assert.deepEqual(decision, { kind: 'leave', chatId: -100777, title: 'Elsewhere' });
});

test('forum topic messages carry their topic; the General topic does not', () => {
  const inTopic = classifyUpdate(message({ chat: { id: -100500, type: 'supergroup' }, is_topic_message: true, message_thread_id: 7 }), policy);
  assert.equal(inTopic.kind === 'inbound' && inTopic.inbound.chat.topicId, 7);
  const general = classifyUpdate(message({ chat: { id: -100500, type: 'supergroup' }, message_thread_id: 7 }), policy);
  assert.equal(general.kind === 'inbound' && general.inbound.chat.topicId, null);
});

test('group_mention_only needs a mention or a reply to the bot, and the mention is removed', () => {
  const strict = { ...policy, groupMentionOnly: true };
  const group = { chat: { id: -100500, type: 'supergroup' } };
  assert.equal(classifyUpdate(message({ ...group, text: 'hello all' }), strict).kind, 'drop');
  const mentioned = classifyUpdate(message({ ...group, text: '@ductor_bot what time is it' }), strict);
  assert.equal(mentioned.kind === 'inbound' && mentioned.inbound.text, 'what time is it');
  const reply = classifyUpdate(message({ ...group, text: 'and now?', reply_to_message: { message_id: 1, date: 0, chat: group.chat, from: { id: 99, is_bot: true, first_name: 'B' }, text: 'earlier answer' } }), strict);
  assert.equal(reply.kind === 'inbound' && reply.inbound.text, 'and now?', 'replies to the bot itself are not re-quoted');
});

test('commands addressed to another bot are ignored in groups', () => {
  assert.equal(classifyUpdate(message({ chat: { id: -100500, type: 'supergroup' }, text: '/new@other_bot' }), policy).kind, 'drop');
  assert.equal(classifyUpdate(message({ chat: { id: -100500, type: 'supergroup' }, text: '/new@ductor_bot' }), policy).kind, 'inbound');
});

test('a reply to someone else carries the quoted text', () => {
  const decision = classifyUpdate(message({ text: 'summarise', reply_to_message: { message_id: 2, date: 0, chat: { id: 10, type: 'private' }, from: { id: 10, is_bot: false, first_name: 'U' }, text: 'line one\nline two' } }), policy);
  assert.equal(decision.kind === 'inbound' && decision.inbound.text, "The user is replying to this quoted message:\n> line one\n> line two\n\nThe user's message:\nsummarise");
});

test('button presses become callbacks; queue-cancel buttons are recognised', () => {
  const press = (data: string) => ({ update_id: 2, callback_query: { id: 'cq1', from: { id: 10, is_bot: false, first_name: 'U' }, data, message: { message_id: 8, date: 0, chat: { id: 10, type: 'private' } } } }) as unknown as Update;
  const generic = classifyUpdate(press('b:Yes'), policy);
  assert.equal(generic.kind === 'inbound' && generic.inbound.kind, 'callback');
  assert.equal(generic.kind === 'inbound' && generic.inbound.text, 'b:Yes');
  const cancel = classifyUpdate(press('mq:tg:99:10:5'), policy);
  assert.deepEqual(cancel, { kind: 'queue-cancel', callbackId: 'cq1', inboundId: 'tg:99:10:5', chat: { transport: 'tg', chatId: 10, topicId: null }, messageId: 8 });
});

test('the inbound id names the bot: two bots numbering their chats alike never share an id', () => {
  const first = classifyUpdate(message({}), policy);
  const second = classifyUpdate(message({}), { ...policy, botId: 100 });
  assert.ok(first.kind === 'inbound' && second.kind === 'inbound');
  if (first.kind !== 'inbound' || second.kind !== 'inbound') return;
  assert.equal(first.inbound.messageId, second.inbound.messageId, 'the same message number in the same chat');
  assert.notEqual(first.inbound.id, second.inbound.id);
  assert.equal(second.inbound.id, 'tg:100:10:5');
});
