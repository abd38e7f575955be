/**
 * Files an answer asks to send: `<file:/absolute/path>` tags are taken out
 * of the text and each path is checked against `file_access` (symlinks resolved, so a link out of
 * the allowed folder or a `../..` path is refused). Allowed paths go to the transport as
 * `Delivery.files`; refused ones become a notice in the answer and are never sent.
 */
import { existsSync } from 'node:fs';
import { homedir } from 'node:os';
import { basename, join } from 'node:path';
import { checkPath, rootsForFileAccess } from '../../../shared/security/path-scope.js';
import { isProtectedPath, mainHomeOf } from '../../../shared/security/protected-files.js';

const FILE_TAG = /<file:([^>\n]+)>/g;
/** More files than this in one answer are ignored (a runaway answer must not flood the chat). */
const MAX_FILES = 20;

/** `protected`: the home's config, state or secrets, or a credential file; refused under every `file_access`. */
export type OutgoingFiles = { text: string; files: string[]; refused: { name: string; reason: 'outside' | 'unsafe' | 'protected' }[] };

/** `home`: the agent's home; its main home's internals are never sent. */
export type FileScope = { fileAccess: string; workspace: string; outputDir: string; home: string; userHome?: string };

export async function collectOutgoingFiles(answer: string, scope: FileScope): Promise<OutgoingFiles> {
  const tags = [...answer.matchAll(FILE_TAG)].map((m) => m[1]!.trim()).filter((p) => p !== '');
  if (tags.length === 0) return { text: answer, files: [], refused: [] };
  const text = answer.replace(FILE_TAG, '').replace(/\n{3,}/g, '\n\n').trim();
  const roots = rootsForFileAccess(scope.fileAccess, { userHome: scope.userHome ?? homedir(), workspace: scope.workspace });
  const files: string[] = [];
  const refused: OutgoingFiles['refused'] = [];
  for (const tag of [...new Set(tags)].slice(0, MAX_FILES)) {
    // A bare name is a deliverable in output_to_user/; other relative paths are workspace-relative.
    const base = !tag.includes('/') && existsSync(join(scope.outputDir, tag)) ? scope.outputDir : scope.workspace;
    const check = await checkPath(tag, roots, { base });
    if (check.ok && isProtectedPath(check.path, mainHomeOf(scope.home), scope.userHome ?? homedir())) refused.push({ name: basename(tag) || tag, reason: 'protected' });
    else if (check.ok) files.push(check.path);
    else refused.push({ name: basename(tag) || tag, reason: check.reason === 'outside_roots' ? 'outside' : 'unsafe' });
  }
  return { text, files, refused };
}
