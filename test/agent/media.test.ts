/** Incoming media names and placement, and outgoing `<file:…>` checks, on a real temp folder. */
import assert from 'node:assert/strict';
import { mkdir, readdir, readFile, symlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { test } from 'node:test';
import { ingestAttachments } from '../../src/workers/agent/media/ingest.js';
import { collectOutgoingFiles } from '../../src/workers/agent/media/outgoing.js';
import { sanitizeFileName } from '../../src/shared/security/safe-name.js';
import { tmpHome } from '../helpers/tmp-home.js';

test('file names lose separators, NUL, control characters, leading dots and excess length', () => {
  assert.equal(sanitizeFileName('a/b\\c.pdf'), 'a_b_c.pdf');
  assert.equal(sanitizeFileName('x\0y__z.txt'), 'xy_z.txt');
  assert.equal(sanitizeFileName('..'), 'file');
  assert.equal(sanitizeFileName('../../etc/passwd'), '_.._etc_passwd');
  assert.equal(sanitizeFileName('   '), 'file');
  assert.equal(sanitizeFileName('bell\x07.txt'), 'bell.txt');
  const long = sanitizeFileName(`${'n'.repeat(300)}.pdf`);
  assert.equal(long.length, 120);
  assert.ok(long.endsWith('.pdf'));
});

test('colliding names get _1, _2 and the spool is emptied', async (t) => {
  const root = await tmpHome(t, 'ductor-media-');
  const spool = join(root, 'spool');
  await mkdir(spool);
  const files = join(root, 'telegram_files');
  const attachments = [];
  for (const [i, body] of ['one', 'two', 'three'].entries()) {
    const path = join(spool, `s${i}`);
    await writeFile(path, body);
    attachments.push({ path, kind: 'document' as const, mime: 'text/plain', originalName: 'note.txt', sizeBytes: body.length, uniqueId: `u${i}` });
  }
  const moved = await ingestAttachments(attachments, files, new Date('2026-02-03T23:30:00Z'));
  assert.deepEqual(moved.map((m) => m.path), ['note.txt', 'note_1.txt', 'note_2.txt'].map((n) => join(files, '2026-02-03', n)));
  assert.equal(await readFile(moved[2]!.path, 'utf8'), 'three');
  assert.deepEqual(await readdir(spool), []);
  assert.match(await readFile(join(files, '_index.yaml'), 'utf8'), /total_files: 3/);
});

test('outgoing files: relative names resolve in output_to_user; escapes through .. and symlinks are refused', async (t) => {
  const root = await tmpHome(t, 'ductor-out-');
  const workspace = join(root, 'workspace');
  const outputDir = join(workspace, 'output_to_user');
  await mkdir(outputDir, { recursive: true });
  await writeFile(join(outputDir, 'a.txt'), 'a');
  await writeFile(join(root, 'outside.txt'), 'x');
  await symlink(join(root, 'outside.txt'), join(outputDir, 'sneaky.txt'));
  const scope = { fileAccess: 'workspace', workspace, outputDir, home: root };
  const result = await collectOutgoingFiles('Done <file:a.txt> <file:../outside.txt> <file:output_to_user/sneaky.txt> <file:/etc/passwd\x01>', scope);
  assert.equal(result.text, 'Done');
  assert.deepEqual(result.files, [join(outputDir, 'a.txt')]);
  assert.deepEqual(result.refused, [
    { name: 'outside.txt', reason: 'outside' },
    { name: 'sneaky.txt', reason: 'outside' },
    { name: 'passwd\x01', reason: 'unsafe' },
  ]);
  const everything = await collectOutgoingFiles(`<file:${join(root, 'outside.txt')}>`, { ...scope, fileAccess: 'all' });
  assert.equal(everything.files.length, 1, 'file_access "all" lets any path leave');
});
