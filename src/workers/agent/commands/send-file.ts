/**
 * `sf!<path>` from the `/showfiles` browser: the file, relative to this agent's home, is sent if
 * it really lies inside the home (symlinks resolved) and is a regular file.
 */
import { stat } from 'node:fs/promises';
import { basename } from 'node:path';
import { checkPath } from '../../../shared/security/path-scope.js';
import { isProtectedPath, mainHomeOf } from '../../../shared/security/protected-files.js';
import { texts } from '../orchestrator/texts.js';

export type FileReply = { text: string; files: string[] };

export async function fileFromHome(home: string, rel: string): Promise<FileReply> {
  const check = await checkPath(rel, [home], { base: home });
  if (!check.ok) return { text: texts.fileUnsafePath(basename(rel) || rel), files: [] };
  // The browser never lists internals; a crafted or stale button must not reach them either.
  if (isProtectedPath(check.path, mainHomeOf(home))) return { text: texts.fileProtected(basename(rel) || rel), files: [] };
  try {
    if (!(await stat(check.path)).isFile()) return { text: texts.fileGone, files: [] };
  } catch {
    return { text: texts.fileGone, files: [] };
  }
  return { text: '', files: [check.path] };
}
