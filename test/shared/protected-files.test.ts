/** The home's config, secrets and state never leave it: /showfiles hides them, `<file:…>` refuses them. */
import assert from 'node:assert/strict';
import { mkdir, mkdtemp, realpath, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { isProtectedPath, mainHomeOf } from '../../src/shared/security/protected-files.js';
import { collectOutgoingFiles } from '../../src/workers/agent/media/outgoing.js';
import { FileBrowser } from '../../src/workers/transport/showfiles.js';

const HOME = '/srv/ductor';
const USER = '/home/u';

test('config, run/, state files, locks, .env and credentials are protected; the workspace is not', () => {
  for (const p of ['config/config.json', 'config', 'run/control.sock', 'sessions.json', 'inbox.json', 'bot.pid', 'bot.lock', 'restart-requested', '.env', 'workspace/.env',
    'agents/helper/sessions.json', 'agents/helper/config/x', 'matrix_store/keys', 'logs/agent-main.log', 'outbox.json.corrupt-2026']) {
    assert.equal(isProtectedPath(join(HOME, p), HOME, USER), true, p);
  }
  for (const p of ['workspace/output_to_user/report.pdf', 'workspace/notes.json', 'RULES.md', 'SHAREDMEMORY.md', 'agents/helper/workspace/a.txt', 'agents', 'agents/helper']) {
    assert.equal(isProtectedPath(join(HOME, p), HOME, USER), false, p);
  }
  for (const p of ['/etc/passwd', '/etc/shadow', `${USER}/.ssh/id_ed25519`, `${USER}/.codex/auth.json`, `${USER}/.claude/.credentials.json`]) assert.equal(isProtectedPath(p, HOME, USER), true, p);
  assert.equal(isProtectedPath('/tmp/report.txt', HOME, USER), false);
  assert.equal(mainHomeOf(join(HOME, 'agents', 'helper')), HOME);
  assert.equal(mainHomeOf(HOME), HOME);
});

test('/showfiles at the home root lists no internals', async (t) => {
  const home = await realpath(await mkdtemp(join(tmpdir(), 'showfiles-')));
  t.after(() => rm(home, { recursive: true, force: true }));
  for (const dir of ['config', 'run', 'logs', 'workspace', 'agents/helper/config', 'agents/helper/workspace']) await mkdir(join(home, dir), { recursive: true });
  for (const file of ['bot.pid', 'bot.lock', 'inbox.json', 'sessions.json', 'RULES.md', 'agents/helper/sessions.json', 'agents/helper/RULES.md']) await writeFile(join(home, file), 'x');
  const browser = new FileBrowser(home);
  const labels = { title: (p: string) => p, empty: '(empty)', up: '..' };
  const names = (listing: Awaited<ReturnType<FileBrowser['list']>>) => listing.keyboard.inline_keyboard.flat().map((b) => b.text.replace(/^\S+ /, ''));
  assert.deepEqual(names(await browser.list('', labels)), ['agents', 'workspace', 'RULES.md']);
  assert.deepEqual(names(await browser.list('agents/helper', labels)), ['..', 'workspace', 'RULES.md']);
  await assert.rejects(browser.list('config', labels), /not browsable/);
});

test('`<file:…>` never sends the home config or a credential, even with file_access all', async (t) => {
  const home = await realpath(await mkdtemp(join(tmpdir(), 'outgoing-')));
  t.after(() => rm(home, { recursive: true, force: true }));
  await mkdir(join(home, 'config'), { recursive: true });
  await mkdir(join(home, 'workspace', 'output_to_user'), { recursive: true });
  await writeFile(join(home, 'config', 'config.json'), '{"telegram_token":"x"}');
  await writeFile(join(home, 'workspace', 'output_to_user', 'report.txt'), 'ok');
  const answer = `Here <file:${home}/config/config.json> and <file:/etc/passwd> and <file:report.txt>`;
  const out = await collectOutgoingFiles(answer, { fileAccess: 'all', workspace: join(home, 'workspace'), outputDir: join(home, 'workspace', 'output_to_user'), home });
  assert.deepEqual(out.files, [join(home, 'workspace', 'output_to_user', 'report.txt')]);
  assert.deepEqual(out.refused.map((r) => [r.name, r.reason]), [['config.json', 'protected'], ['passwd', 'protected']]);
});
