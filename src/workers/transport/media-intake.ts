/**
 * Downloads the media of a message into the transport's spool (`<main home>/run/spool/<agent>/`),
 * from where the agent worker moves each file into its own workspace. The Bot API serves files up
 * to 20 MB; a local Bot API server (`telegram_api_root`) serves bigger ones, sometimes as a path on
 * this machine instead of a URL.
 */
import { randomUUID } from 'node:crypto';
import { copyFile, mkdir, stat, writeFile } from 'node:fs/promises';
import { basename, isAbsolute, join } from 'node:path';
import type { Attachment } from '../../shared/rpc/conversation-schemas.js';
import type { MediaRef } from './media-refs.js';
import { TelegramApiError, type TelegramBot } from './telegram-bot.js';

/** The official Bot API refuses downloads above this (bytes). */
export const BOT_API_DOWNLOAD_LIMIT_BYTES = 20 * 1024 * 1024;
/** A local Bot API server allows uploads and downloads up to 2000 MB. */
const LOCAL_SERVER_LIMIT_BYTES = 2000 * 1024 * 1024;
const OFFICIAL_API_ROOT = 'https://api.telegram.org';

export type IntakeResult =
  | { ok: true; attachments: Attachment[] }
  | { ok: false; reason: 'too-big'; sizeBytes: number; limitBytes: number }
  | { ok: false; reason: 'failed'; error: unknown };

export function downloadLimitBytes(apiRoot: string): number {
  return apiRoot.replace(/\/+$/, '') === OFFICIAL_API_ROOT ? BOT_API_DOWNLOAD_LIMIT_BYTES : LOCAL_SERVER_LIMIT_BYTES;
}

/** Downloads every file; the first failure ends the intake (the user gets one clear message). */
export async function downloadMedia(bot: TelegramBot, refs: readonly MediaRef[], spoolDir: string, signal?: AbortSignal): Promise<IntakeResult> {
  const limitBytes = downloadLimitBytes(bot.apiRoot);
  await mkdir(spoolDir, { recursive: true });
  const attachments: Attachment[] = [];
  for (const ref of refs) {
    if (ref.sizeBytes > limitBytes) return { ok: false, reason: 'too-big', sizeBytes: ref.sizeBytes, limitBytes };
    const target = join(spoolDir, `${randomUUID()}-${basename(ref.uniqueId) || 'file'}`);
    try {
      const file = await bot.getFile(ref.fileId, signal);
      if (!file.file_path) throw new Error('getFile returned no file_path');
      if (isAbsolute(file.file_path)) {
        // A local Bot API server in --local mode hands out its own disk path instead of a URL.
        await copyFile(file.file_path, target);
      } else {
        await writeFile(target, await bot.downloadFile(file.file_path, { maxBytes: limitBytes }, signal));
      }
      const sizeBytes = (await stat(target)).size;
      attachments.push({ path: target, kind: ref.kind, mime: ref.mime, originalName: ref.originalName, sizeBytes, uniqueId: ref.uniqueId });
    } catch (error) {
      // getFile's "file is too big" is the Bot API's 20 MB rule even behind a proxy root.
      if (isTooBig(error)) return { ok: false, reason: 'too-big', sizeBytes: ref.sizeBytes, limitBytes: /file is too big/i.test((error as TelegramApiError).description) ? BOT_API_DOWNLOAD_LIMIT_BYTES : limitBytes };
      return { ok: false, reason: 'failed', error };
    }
  }
  return { ok: true, attachments };
}

/** Telegram answers getFile for a file over 20 MB with 400 "file is too big"; our download cap says "over the … limit". */
function isTooBig(error: unknown): boolean {
  return error instanceof TelegramApiError && error.errorCode === 400 && /too big|over the \d+ byte limit/i.test(error.description);
}

export function megabytes(bytes: number): number {
  return Math.round((bytes / (1024 * 1024)) * 10) / 10;
}
