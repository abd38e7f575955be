/**
 * Uploads the files of a delivery (spec/telegram.md §5): raster images as photos, everything else
 * as documents, each streamed from disk. A missing file or a failed upload becomes a short notice
 * in the chat instead; the agent already decided the path may leave (file_access).
 */
import { stat } from 'node:fs/promises';
import { basename, extname } from 'node:path';
import type { ChatOutbox } from './outbox.js';
import { retryAfterMs, TelegramApiError, type TelegramBot, type TransportLog } from './telegram-bot.js';

const RASTER_EXTENSIONS = new Set(['.jpg', '.jpeg', '.png', '.gif', '.webp', '.bmp']);
/** Telegram refuses photos above 10 MB; those go as documents. */
const PHOTO_LIMIT_BYTES = 10 * 1024 * 1024;

export type FileSendTarget = { chatId: number; threadId?: number; replyToMessageId?: number };

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
      ids.push(await outbox.send({ text: `[File not found: ${name}]`, threadId: target.threadId }));
      continue;
    }
    const asPhoto = isRasterImage(path) && sizeBytes <= PHOTO_LIMIT_BYTES;
    try {
      ids.push(await upload(bot, target, path, name, asPhoto, signal));
    } catch (error) {
      if (signal?.aborted) throw error;
      log.warn({ err: error, file: name }, 'file upload failed');
      ids.push(await outbox.send({ text: `[Failed to send: ${name}]`, threadId: target.threadId }));
    }
  }
  return ids;
}

async function upload(bot: TelegramBot, target: FileSendTarget, path: string, name: string, asPhoto: boolean, signal?: AbortSignal): Promise<number> {
  const options = { chatId: target.chatId, path, filename: name, threadId: target.threadId, replyToMessageId: target.replyToMessageId };
  for (let attempt = 0; ; attempt++) {
    try {
      const message = asPhoto ? await bot.sendPhoto(options, signal) : await bot.sendDocument(options, signal);
      return message.message_id;
    } catch (error) {
      const waitMs = retryAfterMs(error);
      if (waitMs !== undefined && attempt === 0) {
        await new Promise((resolve) => setTimeout(resolve, waitMs).unref());
        continue;
      }
      // Telegram refuses some images as photos (dimensions, format): a document always works.
      if (asPhoto && error instanceof TelegramApiError && error.errorCode === 400) return upload(bot, target, path, name, false, signal);
      throw error;
    }
  }
}
