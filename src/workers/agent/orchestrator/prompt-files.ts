/**
 * `append_system_prompt_files`: workspace-relative files whose text joins the system prompt of
 * every turn. A path that leaves the workspace (`..`, absolute, a symlink out) is skipped, and so
 * is a file larger than 256 KiB, so a typo cannot feed a secret or a huge log to the model.
 */
import { readFile, stat } from 'node:fs/promises';
import { checkPath } from '../../../shared/security/path-scope.js';

export const MAX_PROMPT_FILE_BYTES = 256 * 1024;

export type SkipReport = (file: string, reason: string) => void;

/** The files' texts joined by blank lines, or null when none could be read. */
export async function readPromptFiles(workspace: string, files: readonly string[], onSkip: SkipReport): Promise<string | null> {
  const parts: string[] = [];
  for (const file of files) {
    const checked = await checkPath(file, [workspace], { base: workspace });
    if (!checked.ok) {
      onSkip(file, checked.message);
      continue;
    }
    try {
      const info = await stat(checked.path);
      if (!info.isFile()) {
        onSkip(file, 'not a file');
        continue;
      }
      if (info.size > MAX_PROMPT_FILE_BYTES) {
        onSkip(file, `larger than ${MAX_PROMPT_FILE_BYTES} bytes`);
        continue;
      }
      const text = (await readFile(checked.path, 'utf8')).trim();
      if (text !== '') parts.push(text);
    } catch (error) {
      onSkip(file, (error as NodeJS.ErrnoException).code ?? 'unreadable');
    }
  }
  return parts.length > 0 ? parts.join('\n\n') : null;
}

/** Memory and prompt files in one system-prompt addition (null when both are empty). */
export function joinSystemPrompt(...parts: (string | null)[]): string | null {
  const present = parts.filter((part): part is string => part !== null && part.trim() !== '');
  return present.length > 0 ? present.join('\n\n') : null;
}
