/**
 * Uploads the files of a delivery: raster images as photos, everything else
 * as documents, each streamed from disk. A missing file or a failed upload becomes a short notice
 * in the chat instead; the agent already decided the path may leave (file_access).
 */
import { catalogue } from '../../shared/i18n/index.js';
import { stat } from 'node:fs/promises';
import { basename, extname } from 'node:path';
import type { ChatOutbox } from './outbox.js';
import { retryAfterMs, TelegramApiError, type TelegramBot, type TransportLog, type UploadKind } from './telegram-bot.js';

const RASTER_EXTENSIONS = new Set(['.jpg', '.jpeg', '.png', '.gif', '.webp', '.bmp']);
/** Telegram refuses photos above 10 MB; those go as documents. */
const PHOTO_LIMIT_BYTES = 10 * 1024 * 1024;

/** `language`: the notices for a missing or failed file speak it. */
export type FileSendTarget = { chatId: number; threadId?: number; replyToMessageId?: number; language?: string };

const VIDEO_EXTENSIONS = new Set(['.mp4', '.mov', '.m4v', '.webm']);
const AUDIO_EXTENSIONS = new Set(['.mp3', '.m4a', '.aac', '.flac', '.wav', '.ogg', '.oga', '.opus']);

/** Non-image files: videos and audio get Telegram's players, everything else is a document. */
export function uploadKindOf(path: string): UploadKind {
  const ext = extname(path).toLowerCase();
  if (VIDEO_EXTENSIONS.has(ext)) return 'video';
  if (AUDIO_EXTENSIONS.has(ext)) return 'audio';
  return 'document';
}

async function uploadAsDocument(bot: TelegramBot, options: Parameters<TelegramBot['sendFile']>[1], signal?: AbortSignal): Promise<number> {
  return (await bot.sendFile('document', options, signal)).message_id;
}

export function isRasterImage(path: string): boolean {
  return RASTER_EXTENSIONS.has(extname(path).toLowerCase());
}

/** Sends each file in order; resolves with the message ids of everything sent (uploads and notices). */
export async function sendFiles(bot: TelegramBot, outbox: ChatOutbox, target: FileSendTarget, files: readonly string[], log: TransportLog, signal?: AbortSignal): Promise<number[]> {
  const ids: number[] = [];
  for (const path of files) {
    const name = basename(path);
    let sizeBytes: number;
    try {
      const info = await stat(path);
      if (!info.isFile()) throw new Error('not a regular file');
      sizeBytes = info.size;
    } catch {
      ids.push(await outbox.send({ text: catalogue(target.language ?? 'en').fileNotFound(name), threadId: target.threadId }));
      continue;
    }
    const asPhoto = isRasterImage(path) && sizeBytes <= PHOTO_LIMIT_BYTES;
    try {
      ids.push(await upload(bot, target, path, name, asPhoto, signal));
    } catch (error) {
      if (signal?.aborted) throw error;
      log.warn({ err: error, file: name }, 'file upload failed');
      ids.push(await outbox.send({ text: catalogue(target.language ?? 'en').fileSendFailed(name), threadId: target.threadId }));
    }
  }
  return ids;
}

async function upload(bot: TelegramBot, target: FileSendTarget, path: string, name: string, asPhoto: boolean, signal?: AbortSignal): Promise<number> {
  const options = { chatId: target.chatId, path, filename: name, threadId: target.threadId, replyToMessageId: target.replyToMessageId };
  const kind: UploadKind = asPhoto ? 'photo' : uploadKindOf(path);
  for (let attempt = 0; ; attempt++) {
    try {
      const message = await bot.sendFile(kind, options, signal);
      return message.message_id;
    } catch (error) {
      const waitMs = retryAfterMs(error);
      if (waitMs !== undefined && attempt === 0) {
        await new Promise((resolve) => setTimeout(resolve, waitMs).unref());
        continue;
      }
      // Telegram refuses some images as photos and some media as players (dimensions, codecs):
      // a document always works.
      if (kind !== 'document' && error instanceof TelegramApiError && error.errorCode === 400) return uploadAsDocument(bot, options, signal);
      throw error;
    }
  }
}
