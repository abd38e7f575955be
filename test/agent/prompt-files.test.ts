/** `append_system_prompt_files`: workspace files added to the system prompt of every turn. */
import assert from 'node:assert/strict';
import { mkdir, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { readPromptFiles, MAX_PROMPT_FILE_BYTES } from '../../src/workers/agent/orchestrator/prompt-files.js';

test('listed workspace files are read in order; escaping, missing and oversized files are skipped', async (t) => {
  const root = await mkdtemp(join(tmpdir(), 'prompt-files-'));
  t.after(() => rm(root, { recursive: true, force: true }));
  const workspace = join(root, 'workspace');
  await mkdir(join(workspace, 'rules'), { recursive: true });
  await writeFile(join(workspace, 'rules', 'style.md'), 'Answer in haiku.\n');
  await writeFile(join(workspace, 'TEAM.md'), 'The team is small.');
  await writeFile(join(root, 'secret.txt'), 'outside');
  await symlink(join(root, 'secret.txt'), join(workspace, 'link.md'));
  await writeFile(join(workspace, 'big.md'), 'x'.repeat(MAX_PROMPT_FILE_BYTES + 1));
  const skipped: string[] = [];
  const text = await readPromptFiles(workspace, ['rules/style.md', '../secret.txt', '/etc/hostname', 'link.md', 'missing.md', 'big.md', 'TEAM.md'], (file, why) => skipped.push(`${file}: ${why}`));
  assert.equal(text, 'Answer in haiku.\n\nThe team is small.');
  assert.deepEqual(skipped.map((s) => s.split(':')[0]), ['../secret.txt', '/etc/hostname', 'link.md', 'missing.md', 'big.md']);
  assert.equal(await readPromptFiles(workspace, [], () => undefined), null);
});
