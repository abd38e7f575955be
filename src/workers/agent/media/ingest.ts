/**
 * Incoming media on the agent's side: each file the transport spooled is moved into this agent's
 * `workspace/telegram_files/YYYY-MM-DD/` (UTC date) under a safe, unused name, the folder index
 * `_index.yaml` is rebuilt, and the turn's prompt gets an `[INCOMING FILE]` block per file.
 */
import { constants } from 'node:fs';
import { copyFile, link, mkdir, readdir, rm, stat } from 'node:fs/promises';
import { extname, join, relative } from 'node:path';
import type { Attachment } from '../../../shared/rpc/conversation-schemas.js';
import { writeFileAtomic } from '../../../shared/store/atomic-write.js';
import { mimeOf } from '../../../shared/mime.js';
import { convertImage, type ImageSettings } from './image-convert.js';
import { candidateName, sanitizeFileName } from '../../../shared/security/safe-name.js';

/** Gives up finding a free name after this many `_n` suffixes. */
const MAX_NAME_ATTEMPTS = 1_000;
const INDEX_FILE = '_index.yaml';

/** Moves every attachment into the workspace; the returned copies name the new paths. */
export async function ingestAttachments(
  attachments: readonly Attachment[],
  telegramFilesDir: string,
  now = new Date(),
  image?: ImageSettings,
): Promise<Attachment[]> {
  const day = now.toISOString().slice(0, 10);
  const dir = join(telegramFilesDir, day);
  await mkdir(dir, { recursive: true });
  const moved: Attachment[] = [];
  for (const attachment of attachments) {
    const target = await claimName(attachment.path, dir, sanitizeFileName(attachment.originalName));
    // An image that fails to convert (corrupt, an odd format) is kept exactly as it was received.
    const converted = image ? await convertImage(target, attachment.mime, image).catch(() => null) : null;
    moved.push(converted
      ? { ...attachment, path: converted.path, mime: converted.mime, sizeBytes: (await stat(converted.path)).size }
      : { ...attachment, path: target });
  }
  await rebuildIndex(telegramFilesDir);
  return moved;
}

/**
 * Places `source` at the first free `name`/`name_n` in `dir`. `link` and exclusive copy fail
 * instead of overwriting, so two messages arriving at once never take the same name.
 */
async function claimName(source: string, dir: string, name: string): Promise<string> {
  for (let attempt = 0; attempt < MAX_NAME_ATTEMPTS; attempt++) {
    const target = join(dir, candidateName(name, attempt));
    try {
      await link(source, target);
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (code === 'EEXIST') continue;
      if (code !== 'EXDEV' && code !== 'EPERM' && code !== 'ENOTSUP') throw error;
      // The spool sits on another file system (or links are not allowed): copy instead.
      try {
        await copyFile(source, target, constants.COPYFILE_EXCL);
      } catch (copyError) {
        if ((copyError as NodeJS.ErrnoException).code === 'EEXIST') continue;
        throw copyError;
      }
    }
    await rm(source, { force: true });
    return target;
  }
  throw new Error(`no free file name for ${name} in ${dir}`);
}


/** `_index.yaml`: every file of every `YYYY-MM-DD` folder. */
export async function rebuildIndex(telegramFilesDir: string): Promise<void> {
  const days = (await readdir(telegramFilesDir, { withFileTypes: true }))
    .filter((e) => e.isDirectory() && /^\d{4}-\d{2}-\d{2}$/.test(e.name))
    .map((e) => e.name)
    .sort();
  const lines: string[] = [];
  let total = 0;
  for (const day of days) {
    const files = (await readdir(join(telegramFilesDir, day), { withFileTypes: true }))
      .filter((e) => e.isFile() && e.name !== INDEX_FILE && !/^(CLAUDE|AGENTS|GEMINI|RULES.*)\.md$/.test(e.name))
      .map((e) => e.name)
      .sort();
    if (files.length === 0) continue;
    lines.push(`  ${yamlString(day)}:`);
    for (const name of files) {
      const info = await stat(join(telegramFilesDir, day, name));
      lines.push(`    - name: ${yamlString(name)}`, `      type: ${yamlString(mimeOf(name))}`, `      size: ${info.size}`, `      received: ${yamlString(info.mtime.toISOString())}`);
      total++;
    }
  }
  const body = [`last_updated: ${yamlString(new Date().toISOString())}`, `total_files: ${total}`, lines.length > 0 ? 'tree:' : 'tree: {}', ...lines].join('\n');
  await writeFileAtomic(join(telegramFilesDir, INDEX_FILE), `${body}\n`);
}

/** JSON strings are valid YAML scalars, and escape whatever a file name may contain. */
function yamlString(value: string): string {
  return JSON.stringify(value);
}

const KIND_HINTS: Partial<Record<Attachment['kind'], string>> = {
  voice: 'This is a voice message. Transcribe it with a speech-to-text tool if you need its words.',
  audio: 'This is an audio file. Transcribe it with a speech-to-text tool if you need its words.',
  video: 'This is a video. Extract frames or the audio track with a tool (ffmpeg) if you need its content.',
  video_note: 'This is a round video message. Extract frames or the audio track with a tool (ffmpeg) if you need its content.',
  photo: 'This is an image. Look at it with your file-reading tool.',
};

/**
 * The prompt for a turn with files: one `[INCOMING FILE]` block per file
 * (workspace-relative path, type, original name, a hint, a transcript when one was made), then
 * the caption as the user's message.
 */
export function mediaPrompt(attachments: readonly Attachment[], workspace: string, caption: string, transcripts: ReadonlyMap<string, string> = new Map()): string {
  const blocks = attachments.map((a) => {
    const lines = [
      '[INCOMING FILE]',
      'The user sent you a file via Telegram.',
      `Path: ${relative(workspace, a.path)}`,
      `Type: ${a.mime}`,
      `Original filename: ${a.originalName}`,
      '',
      'Received files are kept in telegram_files/ (index: telegram_files/_index.yaml); save deliverables for the user in output_to_user/ and send them with <file:/absolute/path>.',
    ];
    const transcript = transcripts.get(a.path);
    if (transcript !== undefined) lines.push('', `Transcript (made by the configured transcription command):\n${transcript}`);
    else if (KIND_HINTS[a.kind]) lines.push(KIND_HINTS[a.kind]!);
    return lines.join('\n');
  });
  const message = caption.trim() === '' ? '' : `\n\nUser message: ${caption.trim()}`;
  return `${blocks.join('\n\n')}${message}`;
}
