import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { mkdir, readFile, stat, utimes, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { test } from 'node:test';
import { planRuleSync, scanRuleDirs, syncRuleFiles } from '../../src/workers/agent/rules/rule-sync.js';
import { tmpHome } from '../helpers/tmp-home.js';

const T0 = Date.parse('2025-01-01T00:00:00Z');

async function put(home: string, rel: string, content: string, mtimeMs: number): Promise<void> {
  const file = join(home, rel);
  await mkdir(dirname(file), { recursive: true });
  await writeFile(file, content);
  await utimes(file, new Date(mtimeMs), new Date(mtimeMs));
}

const read = (home: string, rel: string) => readFile(join(home, rel), 'utf8');

test('planRuleSync copies the newest rule file over older siblings only', () => {
  const plan = planRuleSync([
    { dir: 'workspace', files: [{ name: 'AGENTS.md', mtimeMs: T0 + 5_000 }, { name: 'CLAUDE.md', mtimeMs: T0 }, { name: 'GEMINI.md', mtimeMs: T0 + 5_000 }] },
    { dir: 'config', files: [{ name: 'CLAUDE.md', mtimeMs: T0 }] },
  ]);
  assert.deepEqual(plan, [{ from: 'workspace/AGENTS.md', to: 'workspace/CLAUDE.md', mtimeMs: T0 + 5_000, toMtimeMs: T0 }]);
});

test('planRuleSync backfills cron task folders with the providers used across cron_tasks', () => {
  const plan = planRuleSync([
    { dir: 'workspace/cron_tasks', files: [{ name: 'AGENTS.md', mtimeMs: T0 }, { name: 'CLAUDE.md', mtimeMs: T0 }] },
    { dir: 'workspace/cron_tasks/news', files: [{ name: 'CLAUDE.md', mtimeMs: T0 }] },
    { dir: 'workspace/cron_tasks/empty', files: [] },
  ]);
  assert.deepEqual(plan, [{ from: 'workspace/cron_tasks/news/CLAUDE.md', to: 'workspace/cron_tasks/news/AGENTS.md', mtimeMs: T0, toMtimeMs: null }]);
});

test('planRuleSync leaves a cron task folder without any rule file alone (nothing to copy from)', () => {
  const plan = planRuleSync([
    { dir: 'workspace/cron_tasks/a', files: [] },
    { dir: 'workspace/cron_tasks/b', files: [{ name: 'GEMINI.md', mtimeMs: T0 }] },
  ]);
  assert.deepEqual(plan, []);
});

test('an edited rule file reaches its siblings, and a second pass finds nothing to do', async (t) => {
  const home = await tmpHome(t);
  await put(home, 'workspace/CLAUDE.md', 'old', T0);
  await put(home, 'workspace/AGENTS.md', 'old', T0);
  await put(home, 'workspace/GEMINI.md', 'edited by gemini', T0 + 60_000);
  await put(home, 'CLAUDE.md', 'home rules', T0);

  const first = await syncRuleFiles(home);
  assert.deepEqual(first.updated.sort(), ['workspace/AGENTS.md', 'workspace/CLAUDE.md']);
  assert.equal(await read(home, 'workspace/CLAUDE.md'), 'edited by gemini');
  assert.equal(await read(home, 'workspace/AGENTS.md'), 'edited by gemini');
  assert.equal(existsSync(join(home, 'AGENTS.md')), false, 'missing siblings outside cron tasks are not created');
  assert.equal((await stat(join(home, 'workspace/CLAUDE.md'))).mtimeMs, (await stat(join(home, 'workspace/GEMINI.md'))).mtimeMs);

  const second = await syncRuleFiles(home);
  assert.deepEqual(second, { updated: [], created: [] });
  assert.deepEqual(planRuleSync(await scanRuleDirs(home)), []);
});

test('a later edit of another sibling wins the next pass (no ping-pong back to the old text)', async (t) => {
  const home = await tmpHome(t);
  await put(home, 'workspace/CLAUDE.md', 'v1', T0 + 1_000);
  await put(home, 'workspace/AGENTS.md', 'v0', T0);
  await syncRuleFiles(home);
  await put(home, 'workspace/AGENTS.md', 'v2 by codex', T0 + 2_000);
  await syncRuleFiles(home);
  assert.equal(await read(home, 'workspace/CLAUDE.md'), 'v2 by codex');
  assert.equal(await read(home, 'workspace/AGENTS.md'), 'v2 by codex');
});

test('cron task folders get missing provider files; media, hidden and sub-agent folders are left alone', async (t) => {
  const home = await tmpHome(t);
  await put(home, 'workspace/cron_tasks/CLAUDE.md', 'cron rules', T0);
  await put(home, 'workspace/cron_tasks/AGENTS.md', 'cron rules', T0);
  await put(home, 'workspace/cron_tasks/digest/CLAUDE.md', 'digest task', T0);
  await put(home, 'workspace/cron_tasks/digest/notes/CLAUDE.md', 'nested', T0);
  await put(home, 'workspace/telegram_files/2025-01-01/CLAUDE.md', 'a', T0 + 1_000);
  await put(home, 'workspace/telegram_files/2025-01-01/AGENTS.md', 'b', T0);
  await put(home, '.hidden/CLAUDE.md', 'a', T0 + 1_000);
  await put(home, '.hidden/AGENTS.md', 'b', T0);
  await put(home, 'agents/helper/CLAUDE.md', 'a', T0 + 1_000);
  await put(home, 'agents/helper/AGENTS.md', 'b', T0);

  const report = await syncRuleFiles(home);
  assert.deepEqual(report, { updated: [], created: ['workspace/cron_tasks/digest/AGENTS.md'] });
  assert.equal(await read(home, 'workspace/cron_tasks/digest/AGENTS.md'), 'digest task');
  assert.equal(existsSync(join(home, 'workspace/cron_tasks/digest/GEMINI.md')), false);
  assert.equal(existsSync(join(home, 'workspace/cron_tasks/digest/notes/AGENTS.md')), false, 'only job folders are backfilled');
  for (const skipped of ['workspace/telegram_files/2025-01-01', '.hidden', 'agents/helper']) {
    assert.equal(await read(home, `${skipped}/AGENTS.md`), 'b', skipped);
  }
});
