/** Payloads of the conversation path: transport → agent messages, agent → transport deliveries. */
import * as z from 'zod/mini';
import '../zod-english.js';
import { lazySchema } from '../lazy-schema.js';

export const ChatRefSchema = lazySchema(() => z.object({
  transport: z.enum(['tg', 'mx', 'api', 'cli']),
  chatId: z.int(),
  topicId: z.nullable(z.int()),
}));
export type ChatRef = z.infer<typeof ChatRefSchema>;

/** Media kinds Telegram delivers, in the order they are recognised. */
export const ATTACHMENT_KINDS = ['photo', 'document', 'voice', 'audio', 'video', 'video_note', 'sticker'] as const;

/**
 * A file that came with a message. The transport downloads it into its spool and names that path;
 * the agent moves it into its own workspace and rewrites `path` before journaling.
 */
export const AttachmentSchema = lazySchema(() => z.object({
  /** Absolute path: the transport's spool file on the wire, the workspace file once ingested. */
  path: z.string().check(z.minLength(1), z.maxLength(4096)),
  kind: z.enum(ATTACHMENT_KINDS),
  mime: z.string().check(z.maxLength(200)),
  /** The name the sender's file had (documents, audio), or one we made up (`photo_<uid>.jpg`). */
  originalName: z.string().check(z.maxLength(1024)),
  sizeBytes: z.int().check(z.nonnegative()),
  /** Telegram's stable file id part, used for generated names. */
  uniqueId: z.string().check(z.maxLength(200)),
}));
export type Attachment = z.infer<typeof AttachmentSchema>;

/** A message (or button press) the transport accepted for an agent: allowlisted, deduplicated. */
export const InboundSchema = lazySchema(() => z.object({
  /** Unique and stable across redeliveries: `<transport>:<chat>:<message id>` or the callback id. */
  id: z.string().check(z.minLength(1), z.maxLength(200)),
  chat: ChatRefSchema,
  userId: z.int(),
  messageId: z.nullable(z.int()),
  chatType: z.enum(['private', 'group', 'supergroup', 'channel', 'console']),
  kind: z.enum(['message', 'callback']),
  text: z.string().check(z.maxLength(200_000)),
  receivedAt: z.string(),
  /** Media of the message (or of every message of a media group); the text is the caption. */
  attachments: z._default(z.array(AttachmentSchema).check(z.maxLength(20)), []),
  /** Telegram's album id (`media_group_id`): parts arriving in different polls are joined by the agent. */
  mediaGroup: z.optional(z.string().check(z.maxLength(100))),
  /** The forum topic's name, when Telegram told it (a topic message carries its creation message). */
  topicName: z.optional(z.string().check(z.maxLength(128))),
}));
export type Inbound = z.infer<typeof InboundSchema>;

/**
 * The one place an Inbound is put together (Telegram, Matrix, console and API ingress, and the
 * agent's own injected turns): a message unless `kind` says otherwise, no message id, no
 * attachments, received now, unless the fields say otherwise.
 */
export function makeInbound(
  fields: Pick<Inbound, 'id' | 'chat' | 'userId' | 'chatType' | 'text'> &
    Partial<Pick<Inbound, 'messageId' | 'kind' | 'attachments' | 'mediaGroup'>> & { receivedAt?: Date },
): Inbound {
  const { receivedAt = new Date(), ...rest } = fields;
  return { messageId: null, kind: 'message', attachments: [], ...rest, receivedAt: receivedAt.toISOString() };
}

export const InboundAckSchema = lazySchema(() => z.object({
  /** The message is journaled by the agent: the transport may advance its offset. */
  accepted: z.boolean(),
  /** 0 = runs now (or was answered at once), n > 0 = waits behind n others in its chat. */
  queuedBehind: z.int().check(z.nonnegative()),
}));
export type InboundAck = z.infer<typeof InboundAckSchema>;

/** Progress of a running turn, coalesced by the agent (a few per second) before crossing IPC. */
export const StreamEventSchema = lazySchema(() => z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('text'), text: z.string() }),
  z.object({ kind: z.literal('tool'), name: z.string().check(z.maxLength(200)) }),
  z.object({ kind: z.literal('thinking') }),
  z.object({ kind: z.literal('status'), text: z.string().check(z.maxLength(500)) }),
]));
export type StreamEvent = z.infer<typeof StreamEventSchema>;

export const TurnStreamSchema = lazySchema(() => z.object({
  turnId: z.string(),
  chat: ChatRefSchema,
  /** The user's message the progress message replies to. */
  replyTo: z.nullable(z.int()),
  events: z.array(StreamEventSchema).check(z.maxLength(1000)),
}));

export const TurnStartedSchema = lazySchema(() => z.object({
  turnId: z.string(),
  inboundId: z.string(),
  chat: ChatRefSchema,
}));

export const ButtonSchema = lazySchema(() => z.object({
  label: z.string().check(z.minLength(1), z.maxLength(64)),
  data: z.string().check(z.minLength(1), z.maxLength(64)),
  /** A link button: opens this https URL instead of sending `data` back. */
  url: z.optional(z.string().check(z.maxLength(1024), z.regex(/^https:\/\//))),
}));
export type Button = z.infer<typeof ButtonSchema>;

/** A final message for a chat: the transport splits, formats, paces and confirms it. */
export const DeliverySchema = lazySchema(() => z.object({
  /** Idempotency key: the same delivery retried after a crash is not sent twice. */
  deliveryId: z.string().check(z.minLength(1), z.maxLength(200)),
  chat: ChatRefSchema,
  replyTo: z.nullable(z.int()),
  text: z.string(),
  format: z.enum(['markdown', 'plain']),
  /**
   * `answer` finalizes the turn's live message with this text; `error` and `aborted` end the live
   * message and add a notice; `notice` is a message of its own.
   */
  kind: z._default(z.enum(['answer', 'error', 'aborted', 'notice']), 'notice'),
  buttons: z._default(z.array(z.array(ButtonSchema)), []),
  /** The turn whose live progress message this final answer replaces. */
  turnId: z.nullable(z.string()),
  files: z._default(z.array(z.string()), []),
  /**
   * The deliveryId of an earlier message this one replaces: transports that can edit show this
   * text in that message (its buttons removed); the others send it as a new message.
   */
  replaces: z.optional(z.string().check(z.minLength(1), z.maxLength(200))),
  /** A message to edit in place by its id in the chat (a selector whose button was pressed). */
  editsMessage: z.optional(z.int()),
}));
export type Delivery = z.infer<typeof DeliverySchema>;

/** A message of its own (kind `notice`), with the fields a notice usually leaves empty filled in. */
export function noticeDelivery(
  fields: Pick<Delivery, 'deliveryId' | 'chat' | 'text'> & Partial<Pick<Delivery, 'replyTo' | 'format' | 'buttons' | 'turnId' | 'files'>>,
): Delivery {
  return { replyTo: null, format: 'plain', buttons: [], turnId: null, files: [], ...fields, kind: 'notice' };
}

export const DeliveryResultSchema = lazySchema(() => z.object({
  messageIds: z.array(z.int()),
  /** True when this delivery id had been sent before and nothing was sent again. */
  duplicate: z.boolean(),
}));

export const QueueUpdateSchema = lazySchema(() => z.object({
  inboundIds: z.array(z.string()),
  chat: ChatRefSchema,
  outcome: z.enum(['started', 'cancelled', 'discarded']),
  /** For `started`: the turn that now runs and the message it answers (the typing indicator starts). */
  turnId: z._default(z.nullable(z.string()), null),
  replyTo: z._default(z.nullable(z.int()), null),
}));
