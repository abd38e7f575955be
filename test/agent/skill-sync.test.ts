import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { lstat, mkdir, readFile, readlink, rm, symlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { test, type TestContext } from 'node:test';
import { defaultHomeDefaultsDir, seedHome } from '../../src/shared/home/seed.js';
import { SkillSync, planSkillSync, skillRoots, type SkillRoot } from '../../src/workers/agent/skills/skill-sync.js';
import { tmpHome } from '../helpers/tmp-home.js';

/** A temp agent home and a temp user home with the three CLIs' folders present. */
async function rig(t: TestContext, options: { cliHomes?: string[]; includeCliRoots?: boolean } = {}) {
  const home = await tmpHome(t, 'ductor-skills-home-');
  const user = await tmpHome(t, 'ductor-skills-user-');
  for (const dir of options.cliHomes ?? ['.claude', '.codex', '.gemini']) await mkdir(join(user, dir), { recursive: true });
  const roots = skillRoots({ workspaceDir: join(home, 'workspace'), userHome: user, env: {}, includeCliRoots: options.includeCliRoots ?? true });
  const dir = (name: string) => roots.find((r) => r.name === name)!.dir;
  return { home, user, roots, dir, sync: new SkillSync(roots) };
}

async function writeSkill(root: string, name: string, text = `# ${name}\n`): Promise<string> {
  const dir = join(root, name);
  await mkdir(dir, { recursive: true });
  await writeFile(join(dir, 'SKILL.md'), text);
  return dir;
}

const isLink = async (path: string) => (await lstat(path)).isSymbolicLink();

test('skillRoots honours CODEX_HOME and leaves the CLI folders out for sub-agents', () => {
  const roots = skillRoots({ workspaceDir: '/h/workspace', userHome: '/u', env: { CODEX_HOME: '/c' }, includeCliRoots: true });
  assert.deepEqual(roots.map((r) => [r.name, r.dir]), [
    ['ductor', '/h/workspace/skills'],
    ['claude', '/u/.claude/skills'],
    ['codex', '/c/skills'],
    ['gemini', '/u/.gemini/skills'],
  ]);
  assert.deepEqual(skillRoots({ workspaceDir: '/h/workspace', userHome: '/u', env: {}, includeCliRoots: false }).map((r) => r.name), ['ductor']);
});

test('planSkillSync takes the highest-priority real folder as the source, before any link', () => {
  const roots: SkillRoot[] = [
    { name: 'ductor', dir: '/w' },
    { name: 'claude', dir: '/c' },
    { name: 'codex', dir: '/x' },
    { name: 'gemini', dir: '/g' },
  ];
  const plan = planSkillSync(roots, [
    { root: 'ductor', name: 'pdf', kind: 'link', managed: false },
    { root: 'codex', name: 'pdf', kind: 'dir', managed: false },
    { root: 'gemini', name: 'pdf', kind: 'dir', managed: false },
  ]);
  assert.deepEqual(plan, [{ kind: 'link', path: '/c/pdf', target: '/x/pdf' }]);
});

test('a workspace skill is linked into every CLI folder, creating skills folders of installed CLIs only', async (t) => {
  const { dir, sync, user } = await rig(t, { cliHomes: ['.claude', '.codex'] });
  await writeSkill(dir('ductor'), 'notes');
  const report = await sync.syncOnce();
  assert.deepEqual(report.linked.sort(), [join(dir('claude'), 'notes'), join(dir('codex'), 'notes')].sort());
  assert.equal(await readlink(join(dir('claude'), 'notes')), join(dir('ductor'), 'notes'));
  assert.equal(await readFile(join(dir('codex'), 'notes', 'SKILL.md'), 'utf8'), '# notes\n');
  assert.equal(existsSync(join(user, '.gemini')), false, 'no folder is invented for a CLI that is not installed');
  assert.deepEqual(await sync.syncOnce(), { linked: [], removed: [] }, 'a second pass has nothing to do');
});

test('a CLI skill reaches the workspace and the other CLIs; priority picks claude over gemini', async (t) => {
  const { dir, sync } = await rig(t);
  await writeSkill(dir('gemini'), 'review', 'gemini version');
  await writeSkill(dir('claude'), 'review', 'claude version');
  await sync.syncOnce();
  for (const root of ['ductor', 'codex']) {
    assert.equal(await readlink(join(dir(root), 'review')), join(dir('claude'), 'review'), root);
  }
  assert.equal(await isLink(join(dir('gemini'), 'review')), false, 'the real gemini folder is never replaced');
  assert.equal(await readFile(join(dir('gemini'), 'review', 'SKILL.md'), 'utf8'), 'gemini version');
});

test('folders without SKILL.md, files and hidden folders are not skills and are left alone', async (t) => {
  const { dir, sync } = await rig(t);
  await mkdir(join(dir('claude'), 'scratch'), { recursive: true });
  await writeSkill(dir('claude'), '.cache');
  await mkdir(dir('ductor'), { recursive: true });
  await writeFile(join(dir('ductor'), 'README.md'), 'hi');
  const report = await sync.syncOnce();
  assert.deepEqual(report, { linked: [], removed: [] });
});

test('broken ductor-made links are removed (or relinked); foreign broken links stay', async (t) => {
  const { dir, sync, user } = await rig(t);
  const source = await writeSkill(dir('claude'), 'gone');
  await sync.syncOnce();
  assert.ok(await isLink(join(dir('ductor'), 'gone')));
  await rm(source, { recursive: true });
  await symlink(join(user, 'nowhere', 'thing'), join(dir('codex'), 'foreign'));

  const report = await sync.syncOnce();
  assert.deepEqual(report.removed.sort(), [join(dir('ductor'), 'gone'), join(dir('codex'), 'gone'), join(dir('gemini'), 'gone')].sort());
  for (const root of ['ductor', 'codex', 'gemini']) assert.equal(existsSync(join(dir(root), 'gone')), false);
  assert.ok(await isLink(join(dir('codex'), 'foreign')), 'a link ductor did not make is not ours to delete');

  // A managed link whose source moved to another root is pointed at the new source.
  await writeSkill(dir('gemini'), 'moved');
  await symlink(join(dir('claude'), 'moved'), join(dir('codex'), 'moved'));
  await sync.syncOnce();
  assert.equal(await readlink(join(dir('codex'), 'moved')), join(dir('gemini'), 'moved'));
});

test('shutdown removes the links made in CLI folders, keeps real folders and user replacements', async (t) => {
  const { dir, sync } = await rig(t);
  await writeSkill(dir('ductor'), 'ours');
  await writeSkill(dir('claude'), 'theirs');
  await sync.syncOnce();
  // The user swaps one of our links for a real folder of their own.
  await rm(join(dir('gemini'), 'ours'));
  await writeSkill(dir('gemini'), 'ours', 'custom');

  const removed = await sync.removeCreatedLinks();
  assert.deepEqual(removed.sort(), [join(dir('claude'), 'ours'), join(dir('codex'), 'ours'), join(dir('codex'), 'theirs'), join(dir('gemini'), 'theirs')].sort());
  assert.equal(await readFile(join(dir('gemini'), 'ours', 'SKILL.md'), 'utf8'), 'custom');
  assert.equal(await isLink(join(dir('claude'), 'theirs')), false);
  assert.ok(existsSync(join(dir('ductor'), 'ours', 'SKILL.md')));
});

test('links left by a crashed run that point at the workspace are cleaned up at the next shutdown', async (t) => {
  const { dir, roots } = await rig(t);
  await writeSkill(dir('ductor'), 'ours');
  await new SkillSync(roots).syncOnce(); // this instance "crashes": it never cleans up
  const next = new SkillSync(roots);
  assert.deepEqual(await next.syncOnce(), { linked: [], removed: [] });
  const removed = await next.removeCreatedLinks();
  assert.equal(removed.length, 3);
  for (const root of ['claude', 'codex', 'gemini']) assert.equal(existsSync(join(dir(root), 'ours')), false, root);
});

test('a sub-agent syncs only its workspace: nothing global is touched', async (t) => {
  const { dir, sync, user, home } = await rig(t, { includeCliRoots: false });
  await writeSkill(join(user, '.claude', 'skills'), 'global');
  await writeSkill(join(home, 'workspace', 'skills'), 'local');
  assert.deepEqual(await sync.syncOnce(), { linked: [], removed: [] });
  assert.equal(existsSync(join(user, '.claude', 'skills', 'local')), false);
  assert.equal(existsSync(join(dir('ductor'), 'global')), false);
});

test('the bundled ductor-tools skill is seeded, refreshed on start and linked out', async (t) => {
  const { home, dir, sync } = await rig(t);
  const defaultsDir = defaultHomeDefaultsDir();
  await seedHome(home, { role: 'main', defaultsDir });
  const skillFile = join(home, 'workspace', 'skills', 'ductor-tools', 'SKILL.md');
  const bundled = await readFile(join(defaultsDir, 'workspace', 'skills', 'ductor-tools', 'SKILL.md'), 'utf8');
  assert.match(bundled, /^---\nname: ductor-tools\n/);
  await writeFile(skillFile, 'stale');
  await seedHome(home, { role: 'main', defaultsDir });
  assert.equal(await readFile(skillFile, 'utf8'), bundled, 'the bundled skill is kept current');
  await sync.syncOnce();
  assert.equal(await readFile(join(dir('claude'), 'ductor-tools', 'SKILL.md'), 'utf8'), bundled);
});
