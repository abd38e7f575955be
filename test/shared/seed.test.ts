import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { chmod, mkdir, mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { test, type TestContext } from 'node:test';
import { defaultHomeDefaultsDir, seedHome } from '../../src/shared/home/seed.js';

async function tempDir(t: TestContext, prefix: string): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), prefix));
  t.after(() => rm(dir, { recursive: true, force: true }));
  return dir;
}

async function writeTree(dir: string, files: Record<string, string>): Promise<void> {
  for (const [rel, content] of Object.entries(files)) {
    await mkdir(dirname(join(dir, rel)), { recursive: true });
    await writeFile(join(dir, rel), content);
  }
}

test('the bundled home-defaults folder is found from the sources', async () => {
  const dir = defaultHomeDefaultsDir();
  assert.ok(existsSync(join(dir, 'workspace', 'RULES.md')));
  assert.ok(existsSync(join(dir, 'workspace', 'memory_system', 'MAINMEMORY.md')));
});

test('seeding a main home creates the layout, rule files and memory', async (t) => {
  const home = await tempDir(t, 'ductor-home-');
  const report = await seedHome(home, { role: 'main', defaultsDir: defaultHomeDefaultsDir() });
  for (const dir of ['config', 'logs', 'workspace/cron_tasks', 'workspace/tasks', 'workspace/skills', 'workspace/telegram_files', 'workspace/output_to_user', 'workspace/tools/cron_tools', 'workspace/tools/user_tools']) {
    assert.ok((await stat(join(home, dir))).isDirectory(), dir);
  }
  for (const file of ['CLAUDE.md', 'AGENTS.md', 'GEMINI.md', 'config/CLAUDE.md', 'workspace/CLAUDE.md', 'workspace/output_to_user/AGENTS.md', 'workspace/tools/cron_tools/README.md', 'workspace/memory_system/MAINMEMORY.md', 'SHAREDMEMORY.md']) {
    assert.ok(existsSync(join(home, file)), file);
  }
  assert.equal(existsSync(join(home, 'workspace', 'RULES.md')), false, 'templates are never copied verbatim');
  assert.equal(
    await readFile(join(home, 'workspace', 'CLAUDE.md'), 'utf8'),
    await readFile(join(defaultHomeDefaultsDir(), 'workspace', 'RULES.md'), 'utf8'),
  );
  assert.ok(report.created.includes('workspace/memory_system/MAINMEMORY.md'));
});

test('a sub-agent home gets no logs folder and no shared memory file', async (t) => {
  const home = await tempDir(t, 'ductor-sub-');
  await seedHome(home, { role: 'sub', defaultsDir: defaultHomeDefaultsDir() });
  assert.equal(existsSync(join(home, 'logs')), false);
  assert.equal(existsSync(join(home, 'SHAREDMEMORY.md')), false);
  assert.ok(existsSync(join(home, 'workspace', 'memory_system', 'MAINMEMORY.md')));
});

test('seeding twice keeps a user-edited MAINMEMORY.md but refreshes a managed CLAUDE.md', async (t) => {
  const home = await tempDir(t, 'ductor-home-');
  const defaultsDir = defaultHomeDefaultsDir();
  await seedHome(home, { role: 'main', defaultsDir });
  const memory = join(home, 'workspace', 'memory_system', 'MAINMEMORY.md');
  const rules = join(home, 'workspace', 'CLAUDE.md');
  const tool = join(home, 'workspace', 'tools', 'task_tools', 'README.md');
  await writeFile(memory, '# mine\n- likes tea\n');
  await writeFile(rules, 'edited by the agent\n');
  await writeFile(tool, 'tampered\n');

  const report = await seedHome(home, { role: 'main', defaultsDir });
  assert.equal(await readFile(memory, 'utf8'), '# mine\n- likes tea\n');
  assert.equal(await readFile(rules, 'utf8'), await readFile(join(defaultsDir, 'workspace', 'RULES.md'), 'utf8'));
  assert.equal(await readFile(tool, 'utf8'), await readFile(join(defaultsDir, 'workspace', 'tools', 'task_tools', 'README.md'), 'utf8'));
  assert.deepEqual(report.refreshed.sort(), ['workspace/CLAUDE.md', 'workspace/tools/task_tools/README.md']);
  assert.deepEqual(report.created, []);
});

test('rule variant and targets follow the authenticated providers', async (t) => {
  const defaultsDir = await tempDir(t, 'ductor-defaults-');
  await writeTree(defaultsDir, {
    'workspace/RULES.md': 'plain',
    'workspace/RULES-codex-only.md': 'codex only',
    'workspace/RULES-all-clis.md': 'all clis',
    'workspace/cron_tasks/RULES.md': 'cron plain',
  });
  const home = await tempDir(t, 'ductor-home-');

  await seedHome(home, { role: 'main', defaultsDir, authenticatedProviders: ['codex'] });
  assert.equal(await readFile(join(home, 'workspace', 'AGENTS.md'), 'utf8'), 'codex only');
  assert.equal(existsSync(join(home, 'workspace', 'CLAUDE.md')), false);

  await seedHome(home, { role: 'main', defaultsDir, authenticatedProviders: ['claude', 'gemini'] });
  assert.equal(await readFile(join(home, 'workspace', 'CLAUDE.md'), 'utf8'), 'all clis');
  assert.equal(await readFile(join(home, 'workspace', 'GEMINI.md'), 'utf8'), 'all clis');
  assert.equal(existsSync(join(home, 'workspace', 'AGENTS.md')), false, 'unauthenticated provider files are removed');
  assert.equal(await readFile(join(home, 'workspace', 'cron_tasks', 'CLAUDE.md'), 'utf8'), 'cron plain', 'missing variant falls back to RULES.md');

  await seedHome(home, { role: 'main', defaultsDir, authenticatedProviders: ['gemini'] });
  assert.equal(await readFile(join(home, 'workspace', 'GEMINI.md'), 'utf8'), 'plain');
  assert.equal(existsSync(join(home, 'workspace', 'CLAUDE.md')), false);
  assert.ok(existsSync(join(home, 'workspace', 'cron_tasks', 'CLAUDE.md')), 'cron task rules are never removed');
});

test('managed tool scripts keep their executable bit and are replaced on every start', async (t) => {
  const defaultsDir = await tempDir(t, 'ductor-defaults-');
  await writeTree(defaultsDir, { 'workspace/tools/cron_tools/cron_add.js': 'v1', 'workspace/tools/user_tools/mine.js': 'seed' });
  await chmod(join(defaultsDir, 'workspace/tools/cron_tools/cron_add.js'), 0o755);
  const home = await tempDir(t, 'ductor-home-');
  await seedHome(home, { role: 'main', defaultsDir });
  const script = join(home, 'workspace/tools/cron_tools/cron_add.js');
  assert.equal((await stat(script)).mode & 0o777, 0o755);

  await writeFile(join(defaultsDir, 'workspace/tools/cron_tools/cron_add.js'), 'v2');
  await writeFile(join(home, 'workspace/tools/user_tools/mine.js'), 'user version');
  await seedHome(home, { role: 'main', defaultsDir });
  assert.equal(await readFile(script, 'utf8'), 'v2');
  assert.equal(await readFile(join(home, 'workspace/tools/user_tools/mine.js'), 'utf8'), 'user version');
});
