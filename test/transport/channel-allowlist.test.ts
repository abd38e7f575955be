/** `allowed_channel_ids`: a channel the bot is added to stays only when it is listed. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { classifyUpdate, type AccessPolicy } from '../../src/workers/transport/ingress.js';
import type { Update } from '../../src/workers/transport/telegram-bot.js';

const policy: AccessPolicy = {
  allowedUserIds: [10], allowedGroupIds: [-100500], allowedChannelIds: [-100900], groupMentionOnly: false, botId: 99, botUsername: 'ductor_bot',
};

function added(chat: Record<string, unknown>): Update {
  return {
    update_id: 1,
    my_chat_member: {
      chat, from: { id: 10, is_bot: false, first_name: 'U' }, date: 0,
      old_chat_member: { status: 'left', user: { id: 99, is_bot: true, first_name: 'B' } },
      new_chat_member: { status: 'administrator', user: { id: 99, is_bot: true, first_name: 'B' } },
    },
  } as unknown as Update;
}

test('a channel listed in allowed_channel_ids is kept when the bot is added', () => {
  assert.deepEqual(classifyUpdate(added({ id: -100900, type: 'channel', title: 'News' }), policy), { kind: 'drop', reason: 'membership change' });
});

test('an unlisted channel is left, and a group id does not admit a channel', () => {
  assert.deepEqual(classifyUpdate(added({ id: -100901, type: 'channel', title: 'Other' }), policy), { kind: 'leave', chatId: -100901, title: 'Other' });
  assert.equal(classifyUpdate(added({ id: -100500, type: 'channel', title: 'Same id' }), policy).kind, 'leave');
  assert.equal(classifyUpdate(added({ id: -100900, type: 'supergroup', title: 'Channel id as group' }), policy).kind, 'leave');
});

test('a topic message carries the topic name from its creation message', () => {
  const update = {
    update_id: 2,
    message: {
      message_id: 9, date: 0, chat: { id: -100500, type: 'supergroup' }, from: { id: 10, is_bot: false, first_name: 'U' }, text: 'hi',
      is_topic_message: true, message_thread_id: 7,
      reply_to_message: { message_id: 7, date: 0, chat: { id: -100500, type: 'supergroup' }, forum_topic_created: { name: 'Research', icon_color: 1 } },
    },
  } as unknown as Update;
  const decision = classifyUpdate(update, policy);
  assert.equal(decision.kind === 'inbound' && decision.inbound.topicName, 'Research');
});
