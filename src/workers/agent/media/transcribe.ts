/**
 * Voice and audio transcription through the user's own command (`transcription.audio_command`,
 * e.g. a whisper wrapper). The command gets the file path as its last argument and prints the
 * text; no command configured, or a failing one, means the CLI is only told about the file.
 */
import { spawn } from 'node:child_process';
import * as z from 'zod/mini';
import { lazySchema } from '../../../shared/lazy-schema.js';
import '../../../shared/zod-english.js';

/** A transcription running longer than this is stopped (ms). */
const TRANSCRIBE_TIMEOUT_MS = 5 * 60_000;
/** Transcripts are cut at this many characters before they go into a prompt. */
const MAX_TRANSCRIPT_CHARS = 50_000;

const TranscriptionSchema = lazySchema(() => z.looseObject({ audio_command: z._default(z.string(), '') }));

export function audioCommandOf(transcription: unknown): string | null {
  const parsed = TranscriptionSchema.safeParse(transcription ?? {});
  const command = parsed.success ? parsed.data.audio_command.trim() : '';
  return command === '' ? null : command;
}

/** Runs `command "<file>"` through the shell; resolves with the trimmed output, or null on any failure. */
export function transcribe(command: string, file: string, cwd: string, signal?: AbortSignal): Promise<string | null> {
  return new Promise((resolve) => {
    // The path travels as "$1", never spliced into the command text.
    const child = spawn('/bin/sh', ['-c', `${command} "$1"`, 'transcribe', file], {
      cwd,
      stdio: ['ignore', 'pipe', 'ignore'],
      signal: signal ? AbortSignal.any([signal, AbortSignal.timeout(TRANSCRIBE_TIMEOUT_MS)]) : AbortSignal.timeout(TRANSCRIBE_TIMEOUT_MS),
    });
    let out = '';
    child.stdout.setEncoding('utf8');
    child.stdout.on('data', (chunk: string) => {
      if (out.length < MAX_TRANSCRIPT_CHARS) out += chunk;
    });
    child.on('error', () => resolve(null));
    child.on('close', (code) => resolve(code === 0 && out.trim() !== '' ? out.trim().slice(0, MAX_TRANSCRIPT_CHARS) : null));
  });
}
