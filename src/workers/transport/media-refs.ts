/**
 * What media a Telegram message carries: one reference per file, with the
 * name the file will get. Pure; the download lives in media-intake.ts.
 */
import type { Attachment } from '../../shared/rpc/conversation-schemas.js';
import type { Message, Update } from './telegram-bot.js';

export type MediaRef = {
  fileId: string;
  uniqueId: string;
  kind: Attachment['kind'];
  mime: string;
  originalName: string;
  /** As Telegram declared it; 0 when unknown. */
  sizeBytes: number;
};

type Sized = { file_id: string; file_unique_id: string; file_size?: number };
type Named = Sized & { file_name?: string; mime_type?: string };

/** The first media kind of the message, in spec order; none for a text-only message. */
export function mediaRefsOf(message: Message): MediaRef[] {
  const m = message as Message & {
    photo?: (Sized & { width: number; height: number })[];
    document?: Named;
    voice?: Named;
    audio?: Named;
    video?: Named;
    video_note?: Sized;
    sticker?: Sized & { is_animated?: boolean; is_video?: boolean };
  };
  if (m.photo && m.photo.length > 0) {
    // Telegram lists the sizes smallest first; the largest is the original.
    const largest = [...m.photo].sort((a, b) => a.width * a.height - b.width * b.height).at(-1)!;
    return [ref(largest, 'photo', 'image/jpeg', `photo_${largest.file_unique_id}.jpg`)];
  }
  if (m.document) return [ref(m.document, 'document', m.document.mime_type ?? 'application/octet-stream', m.document.file_name ?? `document_${m.document.file_unique_id}`)];
  if (m.voice) return [ref(m.voice, 'voice', m.voice.mime_type ?? 'audio/ogg', `voice_${m.voice.file_unique_id}.ogg`)];
  if (m.audio) return [ref(m.audio, 'audio', m.audio.mime_type ?? 'audio/mpeg', m.audio.file_name ?? `audio_${m.audio.file_unique_id}.mp3`)];
  if (m.video) return [ref(m.video, 'video', m.video.mime_type ?? 'video/mp4', m.video.file_name ?? `video_${m.video.file_unique_id}.mp4`)];
  if (m.video_note) return [ref(m.video_note, 'video_note', 'video/mp4', `videonote_${m.video_note.file_unique_id}.mp4`)];
  if (m.sticker) {
    const [ext, mime] = m.sticker.is_animated ? ['tgs', 'application/x-tgsticker'] : m.sticker.is_video ? ['webm', 'video/webm'] : ['webp', 'image/webp'];
    return [ref(m.sticker, 'sticker', mime, `sticker_${m.sticker.file_unique_id}.${ext}`)];
  }
  return [];
}

function ref(file: Sized, kind: MediaRef['kind'], mime: string, originalName: string): MediaRef {
  return { fileId: file.file_id, uniqueId: file.file_unique_id, kind, mime, originalName, sizeBytes: file.file_size ?? 0 };
}

/**
 * Splits one getUpdates batch into units handled as one: the messages of a media group (an album)
 * that arrived in the same batch form one unit, every other update is a unit of its own.
 */
export function groupMediaUpdates(updates: readonly Update[]): Update[][] {
  const units: Update[][] = [];
  const byGroup = new Map<string, Update[]>();
  for (const update of updates) {
    const message = (update as { message?: Message }).message as (Message & { media_group_id?: string }) | undefined;
    const group = message?.media_group_id ? `${message.chat.id}:${message.media_group_id}` : null;
    if (!group) {
      units.push([update]);
      continue;
    }
    const unit = byGroup.get(group);
    if (unit) unit.push(update);
    else {
      const fresh = [update];
      byGroup.set(group, fresh);
      units.push(fresh);
    }
  }
  return units;
}
