/** A whole ductor started under umask 000: what it writes into the home is owner-only. */
import assert from 'node:assert/strict';
import { readdir, stat } from 'node:fs/promises';
import { join, relative } from 'node:path';
import { test } from 'node:test';
import { startRig, transcriptResult, USER_ID } from '../helpers/rig.js';
import { waitFor } from '../helpers/wait-for.js';

async function walk(dir: string): Promise<string[]> {
  const out: string[] = [];
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const full = join(dir, entry.name);
    out.push(full);
    if (entry.isDirectory()) out.push(...(await walk(full)));
  }
  return out;
}

test('under umask 000 the home, its state files and its logs are owner-only after a conversation', async (t) => {
  const previous = process.umask(0o000);
  t.after(() => void process.umask(previous));
  const rig = await startRig(t);
  const answer = (await transcriptResult('claude', 'claude-local-hello')).trim();
  const { messageId } = rig.tg.pushMessage({ chatId: USER_ID, userId: USER_ID, text: 'hello' });
  await waitFor(() => rig.tg.visible(USER_ID).some((m) => m.replyTo === messageId && m.visibleText.trim() === answer), { timeoutMs: 30_000, message: 'answered' });
  const mode = async (path: string) => ((await stat(path)).mode & 0o777).toString(8);
  assert.equal(await mode(rig.home), '700');
  for (const dir of ['logs', 'run', 'config']) assert.equal(await mode(join(rig.home, dir)), '700', dir);
  const sensitive = (await walk(rig.home)).filter((path) => {
    const rel = relative(rig.home, path);
    // Logs, and the state files ductor writes at the top of the home (sessions, inbox, outbox, …).
    return /^logs\/.+\.log$/.test(rel) || (/^[^/]+\.json$/.test(rel));
  });
  assert.ok(sensitive.some((p) => p.endsWith('transport.log')) && sensitive.some((p) => p.endsWith('.json')), sensitive.join(', '));
  for (const path of sensitive) {
    if ((await stat(path)).isFile()) assert.equal(await mode(path), '600', relative(rig.home, path));
  }
});
