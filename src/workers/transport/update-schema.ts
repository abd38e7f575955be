/**
 * The parts of a Telegram update that ductor reads, checked before anything reads them. Extra
 * fields pass (Telegram adds new ones all the time); a field we read with the wrong type, a
 * missing `chat`, or a text no Telegram client can send makes the update malformed, and it is
 * set aside instead of throwing in the middle of a batch.
 */
import '../../shared/zod-english.js';
import * as z from 'zod/mini';
import { lazySchema } from '../../shared/lazy-schema.js';

/** The bus refuses longer inbound texts; Telegram itself never sends more than 4096 characters. */
export const MAX_UPDATE_TEXT = 200_000;

const UpdateSchema = lazySchema(() => {
  const int = z.int();
  const text = z.string().check(z.maxLength(MAX_UPDATE_TEXT));
  const user = z.looseObject({ id: int });
  const chat = z.looseObject({ id: int, type: z.string(), title: z.optional(z.string()) });
  const fileFields = {
    file_id: z.string(),
    file_unique_id: z.string(),
    file_size: z.optional(z.number()),
    file_name: z.optional(z.string()),
    mime_type: z.optional(z.string()),
  };
  const file = z.looseObject(fileFields);
  const message = z.looseObject({
    message_id: int,
    chat,
    from: z.optional(user),
    text: z.optional(text),
    caption: z.optional(text),
    message_thread_id: z.optional(int),
    is_topic_message: z.optional(z.boolean()),
    reply_to_message: z.optional(z.looseObject({ from: z.optional(user), text: z.optional(text), caption: z.optional(text) })),
    quote: z.optional(z.looseObject({ text: z.optional(text) })),
    media_group_id: z.optional(z.string()),
    photo: z.optional(z.array(z.looseObject({ ...fileFields, width: z.number(), height: z.number() }))),
    document: z.optional(file),
    voice: z.optional(file),
    audio: z.optional(file),
    video: z.optional(file),
    video_note: z.optional(file),
    sticker: z.optional(z.looseObject({ ...fileFields, is_animated: z.optional(z.boolean()), is_video: z.optional(z.boolean()) })),
  });
  return z.looseObject({
    update_id: int,
    message: z.optional(message),
    edited_message: z.optional(message),
    callback_query: z.optional(z.looseObject({
      id: z.string(),
      from: user,
      data: z.optional(z.string()),
      message: z.optional(z.looseObject({ message_id: int, chat })),
    })),
    my_chat_member: z.optional(z.looseObject({ chat, new_chat_member: z.looseObject({ status: z.string() }) })),
  });
});

/** Null for an update ductor can read; otherwise what is wrong with it, naming the field. */
export function malformedUpdateReason(raw: unknown): string | null {
  const result = UpdateSchema.safeParse(raw);
  if (result.success) return null;
  const issue = result.error.issues[0];
  const where = issue && issue.path.length > 0 ? issue.path.join('.') : '(update)';
  return `${where}: ${issue?.message ?? 'does not match the expected shape'}`;
}
