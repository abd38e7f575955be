/**
 * Who may talk, and what an update means, before anything reaches an agent: the allowlists,
 * group addressing (`group_mention_only`), topic detection, reply quoting and the conversion
 * of a Telegram update into the bus's `Inbound`. Pure functions.
 */
import { decodeCallback } from '../../shared/callbacks/callback-data.js';
import { makeInbound, type Inbound } from '../../shared/rpc/conversation-schemas.js';
import type { CallbackQuery, ChatMemberUpdated } from 'node-telegram-bot-api';
import { mediaRefsOf, type MediaRef } from './media-refs.js';
import type { Message, Update } from './telegram-bot.js';

/** The update kinds we read; the library's Update is a union with exactly one of these set. */
type UpdateView = {
  update_id: number;
  message?: Message;
  edited_message?: Message;
  callback_query?: CallbackQuery;
  my_chat_member?: ChatMemberUpdated;
};

export type AccessPolicy = {
  allowedUserIds: readonly number[];
  allowedGroupIds: readonly number[];
  /** `allowed_channel_ids`: channels the bot may stay in (a group id never admits a channel). */
  allowedChannelIds?: readonly number[];
  groupMentionOnly: boolean;
  botId: number | null;
  botUsername: string | null;
};

export type IngressDecision =
  /** `media`: files to download before the inbound goes to the agent (media intake). */
  | { kind: 'inbound'; inbound: Inbound; media: MediaRef[] }
  | { kind: 'queue-cancel'; callbackId: string; inboundId: string; chat: Inbound['chat']; messageId: number | null }
  | { kind: 'leave'; chatId: number; title: string }
  | { kind: 'drop'; reason: string };

export function classifyUpdate(raw: Update, policy: AccessPolicy, now = new Date()): IngressDecision {
  const update = raw as UpdateView;
  if (update.callback_query) {
    const query = update.callback_query;
    const message = query.message as Message | undefined;
    if (!message) return { kind: 'drop', reason: 'callback without message' };
    const denied = accessDenied(message.chat.type, message.chat.id, query.from.id, policy);
    if (denied) return { kind: 'drop', reason: denied };
    const chat = chatRefOf(message);
    const data = query.data ?? '';
    const pressed = decodeCallback(data);
    if (pressed.kind === 'cancelQueued') {
      return { kind: 'queue-cancel', callbackId: query.id, inboundId: pressed.payload, chat, messageId: message.message_id };
    }
    return {
      kind: 'inbound',
      inbound: makeInbound({
        id: `cb:${query.id}`, chat, userId: query.from.id, messageId: message.message_id,
        chatType: chatTypeOf(message.chat.type), kind: 'callback', text: data, receivedAt: now,
      }),
      media: [],
    };
  }
  const joined = update.my_chat_member;
  if (joined) {
    const chat = joined.chat;
    const nowMember = ['member', 'administrator'].includes(joined.new_chat_member.status);
    if (nowMember && chat.type !== 'private' && !chatAllowed(chat.type, chat.id, policy)) {
      return { kind: 'leave', chatId: chat.id, title: chat.title ?? String(chat.id) };
    }
    return { kind: 'drop', reason: 'membership change' };
  }
  const message = update.message ?? update.edited_message;
  if (!message) return { kind: 'drop', reason: 'unsupported update' };
  if (!message.from) return { kind: 'drop', reason: 'no sender' };
  const denied = accessDenied(message.chat.type, message.chat.id, message.from.id, policy);
  if (denied) {
    if (isGroup(message.chat.type) && !policy.allowedGroupIds.includes(message.chat.id)) {
      return { kind: 'leave', chatId: message.chat.id, title: message.chat.title ?? String(message.chat.id) };
    }
    return { kind: 'drop', reason: denied };
  }
  if (message.forum_topic_created || message.forum_topic_edited) return { kind: 'drop', reason: 'topic service message' };
  const rawText = message.text ?? message.caption ?? '';
  // Media without a caption is a turn of its own; the caption, if any, is its text.
  const media = update.edited_message ? [] : mediaRefsOf(message);
  if (rawText.trim() === '' && media.length === 0) return { kind: 'drop', reason: 'no text' };
  if (isGroup(message.chat.type)) {
    if (isCommandForOtherBot(rawText, policy.botUsername)) return { kind: 'drop', reason: 'command for another bot' };
    if (policy.groupMentionOnly && !isAddressed(message, policy)) return { kind: 'drop', reason: 'not addressed to the bot' };
  }
  const text = withReplyContext(message, stripMention(rawText, policy.botUsername), policy.botId);
  const chat = chatRefOf(message);
  return {
    kind: 'inbound',
    inbound: makeInbound({
      id: telegramInboundId(policy.botId, chat.chatId, message.message_id), chat, userId: message.from.id, messageId: message.message_id,
      chatType: chatTypeOf(message.chat.type), text, receivedAt: now,
      ...albumOf(message),
      ...topicNameOf(message, chat.topicId),
    }),
    media,
  };
}

/**
 * Telegram numbers messages per bot and chat, so the id names the bot too: two bots (a sub-agent's,
 * or a new token of the same agent) see the same numbers, and the id deduplicates deliveries and
 * the agent's finished messages. `0` only before getMe answered, when no update is read yet.
 */
export function telegramInboundId(botId: number | null, chatId: number, messageId: number): string {
  return `tg:${botId ?? 0}:${chatId}:${messageId}`;
}

/** Inside a topic, a message that replies to nothing else replies to the topic's creation message, which names it. */
function topicNameOf(message: Message, topicId: number | null): { topicName?: string } {
  if (topicId === null) return {};
  const created = (message.reply_to_message as (Message & { forum_topic_created?: { name?: string } }) | undefined)?.forum_topic_created;
  const edited = (message as Message & { forum_topic_edited?: { name?: string } }).forum_topic_edited;
  const name = edited?.name ?? created?.name;
  return typeof name === 'string' && name.trim() !== '' ? { topicName: name.slice(0, 128) } : {};
}

/** An album part carries its `media_group_id`, so the agent can join parts from different polls. */
function albumOf(message: Message): { mediaGroup?: string } {
  const group = (message as Message & { media_group_id?: string }).media_group_id;
  return group && typeof group === 'string' ? { mediaGroup: group.slice(0, 100) } : {};
}

/** Private: the sender must be listed. Groups: the group AND the sender must be listed (fail closed). */
export function accessDenied(chatType: string, chatId: number, userId: number, policy: AccessPolicy): string | null {
  if (!policy.allowedUserIds.includes(userId)) return 'user not allowed';
  if (chatType === 'private') return null;
  if (isGroup(chatType)) return policy.allowedGroupIds.includes(chatId) ? null : 'group not allowed';
  return 'chat type not supported';
}

/** A group or channel the bot may be a member of: groups against the group list, channels against the channel list. */
export function chatAllowed(type: string, chatId: number, policy: Pick<AccessPolicy, 'allowedGroupIds' | 'allowedChannelIds'>): boolean {
  if (type === 'channel') return (policy.allowedChannelIds ?? []).includes(chatId);
  return isGroup(type) && policy.allowedGroupIds.includes(chatId);
}

function isGroup(type: string): boolean {
  return type === 'group' || type === 'supergroup';
}

function chatTypeOf(type: string): Inbound['chatType'] {
  return type === 'private' || type === 'group' || type === 'supergroup' || type === 'channel' ? type : 'private';
}

/** The topic is the thread id only for real topic messages; the General topic and replies are not topics. */
export function chatRefOf(message: Message): Inbound['chat'] {
  const topicId = message.is_topic_message && typeof message.message_thread_id === 'number' ? message.message_thread_id : null;
  return { transport: 'tg', chatId: message.chat.id, topicId };
}

function isAddressed(message: Message, policy: AccessPolicy): boolean {
  const text = message.text ?? message.caption ?? '';
  if (policy.botUsername && text.toLowerCase().includes(`@${policy.botUsername.toLowerCase()}`)) return true;
  return policy.botId !== null && message.reply_to_message?.from?.id === policy.botId;
}

function isCommandForOtherBot(text: string, botUsername: string | null): boolean {
  const match = /^\/\w+@(\w+)/.exec(text.trim());
  return Boolean(match && botUsername && match[1]!.toLowerCase() !== botUsername.toLowerCase());
}

function stripMention(text: string, botUsername: string | null): string {
  if (!botUsername) return text.trim();
  const pattern = new RegExp(`@${botUsername.replace(/[^\w]/g, '')}\\b`, 'gi');
  return text.replace(pattern, '').trim();
}

/** A reply to someone else's message (or a quoted fragment) carries the quoted text into the prompt. */
function withReplyContext(message: Message, text: string, botId: number | null): string {
  const quoted = (message as Message & { quote?: { text?: string } }).quote?.text;
  const replied = message.reply_to_message;
  const repliedText = replied?.text ?? replied?.caption;
  const source = quoted ?? (replied && replied.from?.id !== botId ? repliedText : undefined);
  if (!source) return text;
  const quote = source.split('\n').map((line) => `> ${line}`).join('\n');
  return `The user is replying to this quoted message:\n${quote}\n\nThe user's message:\n${text}`;
}
