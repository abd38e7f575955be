/**
 * Who may talk to a Matrix bot and what an event means:
 * the room must be in `allowed_rooms` (room id or alias) and the sender in `allowed_users`; with
 * `group_mention_only` a non-DM room answers only messages that mention or reply to the bot, and
 * then skips the user check. `!cmd` is the Matrix spelling of `/cmd`. Pure functions.
 */
import '../../../shared/zod-english.js';
import * as z from 'zod/mini';
import { lazySchema } from '../../../shared/lazy-schema.js';
import type { TimelineEvent, RoomView } from './matrix-client.js';

/** The bus refuses longer inbound texts. */
const MAX_BODY = 200_000;

export type MatrixPolicy = {
  allowedRooms: readonly string[];
  allowedUsers: readonly string[];
  groupMentionOnly: boolean;
  botUserId: string;
  botDisplayName: string | null;
};

export type MessageDecision =
  | { kind: 'message'; text: string; isDirect: boolean; media: MediaContent | null }
  | { kind: 'drop'; reason: string };

export type MediaContent = { msgtype: string; url: string; name: string; mime: string; sizeBytes: number; voice: boolean };

/**
 * The parts of a timeline event that are read, checked first. Fields are optional where Matrix
 * leaves them out (a redacted message has an empty content); a present field of the wrong type,
 * or a body longer than the bus takes, makes the event malformed.
 */
const EventSchema = lazySchema(() => {
  const body = z.string().check(z.maxLength(MAX_BODY));
  return z.looseObject({
    roomId: z.string(),
    eventId: z.string(),
    type: z.string(),
    sender: z.string(),
    ts: z.number(),
    content: z.looseObject({
      msgtype: z.optional(z.string()),
      body: z.optional(body),
      filename: z.optional(body),
      url: z.optional(z.string()),
      'm.relates_to': z.optional(z.looseObject({})),
      'm.mentions': z.optional(z.looseObject({})),
    }),
  });
});

/** Null for an event that can be read; otherwise what is wrong with it, naming the field. */
export function malformedEventReason(event: unknown): string | null {
  const result = EventSchema.safeParse(event);
  if (result.success) return null;
  const issue = result.error.issues[0];
  const where = issue && issue.path.length > 0 ? issue.path.join('.') : '(event)';
  return `${where}: ${issue?.message ?? 'does not match the expected shape'}`;
}

export function roomAllowed(roomId: string, room: RoomView | null, policy: MatrixPolicy): boolean {
  if (policy.allowedRooms.includes(roomId)) return true;
  return Boolean(room && room.aliases.some((alias) => policy.allowedRooms.includes(alias)));
}

/** An invite is accepted only into an allowed room, or from an allowed user (a direct chat). */
export function inviteAllowed(roomId: string, inviter: string, policy: MatrixPolicy): boolean {
  return policy.allowedRooms.includes(roomId) || policy.allowedUsers.includes(inviter);
}

/**
 * The access rule for any event (message or reaction). Direct chats with an allowed user pass even
 * when the room is not listed: a DM room's id is not known before the user opens it.
 */
export function accessDenied(event: TimelineEvent, room: RoomView | null, policy: MatrixPolicy, addressed: boolean): string | null {
  const isDirect = room?.isDirect ?? false;
  const userAllowed = policy.allowedUsers.includes(event.sender);
  if (isDirect) return userAllowed ? null : 'user not allowed';
  if (!roomAllowed(event.roomId, room, policy)) return 'room not allowed';
  if (policy.groupMentionOnly) return addressed ? null : 'not addressed to the bot';
  return userAllowed ? null : 'user not allowed';
}

export function classifyMessage(event: TimelineEvent, room: RoomView | null, policy: MatrixPolicy, repliedToBot: boolean): MessageDecision {
  if (event.type !== 'm.room.message') return { kind: 'drop', reason: `event type ${event.type}` };
  const content = event.content;
  // An edit (m.replace) repeats a message the bot already answered.
  if (relation(content)?.rel_type === 'm.replace') return { kind: 'drop', reason: 'edit' };
  const msgtype = typeof content.msgtype === 'string' ? content.msgtype : '';
  const body = typeof content.body === 'string' ? content.body : '';
  const addressed = repliedToBot || mentions(content, body, policy);
  const denied = accessDenied(event, room, policy, addressed);
  if (denied) return { kind: 'drop', reason: denied };
  const media = mediaOf(content, msgtype, body);
  if (media) {
    // A file's body is its name unless a separate caption was given (Matrix 1.10 `filename`).
    const caption = typeof content.filename === 'string' && content.filename !== body ? body : '';
    return { kind: 'message', text: commandText(stripMention(caption, policy)), isDirect: room?.isDirect ?? false, media };
  }
  if (msgtype !== 'm.text' && msgtype !== 'm.notice' && msgtype !== 'm.emote') return { kind: 'drop', reason: `msgtype ${msgtype}` };
  if (msgtype === 'm.notice') return { kind: 'drop', reason: 'notice (bots talk in notices)' };
  const text = commandText(stripMention(stripReplyFallback(body), policy));
  if (text === '') return { kind: 'drop', reason: 'no text' };
  return { kind: 'message', text, isDirect: room?.isDirect ?? false, media: null };
}

/** `!model` → `/model`, so the agent's command parser understands Matrix commands. */
export function commandText(text: string): string {
  const trimmed = text.trim();
  return /^![a-z_]/i.test(trimmed) ? `/${trimmed.slice(1)}` : trimmed;
}

export function relation(content: Record<string, unknown>): { rel_type?: string; event_id?: string; key?: string; 'm.in_reply_to'?: { event_id?: string } } | null {
  const relates = content['m.relates_to'];
  return relates && typeof relates === 'object' ? (relates as ReturnType<typeof relation> & object) : null;
}

export function replyTarget(content: Record<string, unknown>): string | null {
  return relation(content)?.['m.in_reply_to']?.event_id ?? null;
}

function mentions(content: Record<string, unknown>, body: string, policy: MatrixPolicy): boolean {
  const declared = content['m.mentions'];
  if (declared && typeof declared === 'object') {
    const ids = (declared as { user_ids?: unknown }).user_ids;
    if (Array.isArray(ids) && ids.includes(policy.botUserId)) return true;
  }
  const lower = body.toLowerCase();
  if (lower.includes(policy.botUserId.toLowerCase())) return true;
  // Clients insert the display name (a "pill"); people often type the localpart.
  const names = [policy.botDisplayName ?? '', localpart(policy.botUserId)].filter((n) => n !== '' && !n.startsWith('@'));
  return names.some((name) => lower.includes(name.toLowerCase()));
}

function localpart(userId: string): string {
  return userId.replace(/^@/, '').split(':')[0] ?? '';
}

/** Removes a leading "Bot:" / "@bot:server" address so the agent sees the request itself. */
function stripMention(text: string, policy: MatrixPolicy): string {
  const names = [policy.botUserId, policy.botDisplayName ?? '', localpart(policy.botUserId)].filter((n) => n !== '');
  let out = text.trim();
  for (const name of names) {
    const escaped = name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
    out = out.replace(new RegExp(`^@?${escaped}:?\\s*`, 'i'), '');
  }
  return out.trim();
}

/** Replies carry the quoted original as `> ` lines before a blank line (the reply fallback). */
function stripReplyFallback(body: string): string {
  if (!body.startsWith('> ')) return body;
  const lines = body.split('\n');
  const start = lines.findIndex((line) => !line.startsWith('>'));
  return start === -1 ? '' : lines.slice(start).join('\n').trim();
}

function mediaOf(content: Record<string, unknown>, msgtype: string, body: string): MediaContent | null {
  if (!['m.image', 'm.file', 'm.audio', 'm.video'].includes(msgtype)) return null;
  const url = typeof content.url === 'string' ? content.url : '';
  if (!url.startsWith('mxc://')) return null;
  const info = (content.info && typeof content.info === 'object' ? content.info : {}) as { mimetype?: unknown; size?: unknown };
  const name = typeof content.filename === 'string' ? content.filename : body || 'file';
  return {
    msgtype,
    url,
    name,
    mime: typeof info.mimetype === 'string' ? info.mimetype : 'application/octet-stream',
    sizeBytes: typeof info.size === 'number' ? info.size : 0,
    voice: 'org.matrix.msc3245.voice' in content,
  };
}
