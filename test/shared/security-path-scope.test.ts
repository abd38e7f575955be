import assert from 'node:assert/strict';
import { mkdir, symlink, writeFile, realpath } from 'node:fs/promises';
import { join } from 'node:path';
import { test } from 'node:test';
import { assertPathInScope, checkPath, childPath, isInside, rootsForFileAccess } from '../../src/shared/security/path-scope.js';
import { tmpHome } from '../helpers/tmp-home.js';

async function layout(t: import('node:test').TestContext) {
  const base = await realpath(await tmpHome(t));
  const workspace = join(base, 'workspace');
  const outside = join(base, 'outside');
  await mkdir(join(workspace, 'docs'), { recursive: true });
  await mkdir(outside, { recursive: true });
  await writeFile(join(workspace, 'docs', 'a.txt'), 'a');
  await writeFile(join(outside, 'secret.txt'), 's');
  await symlink(outside, join(workspace, 'escape')); // a folder link pointing out of the root
  await symlink(join(outside, 'secret.txt'), join(workspace, 'innocent.txt')); // a file link
  await symlink(join(workspace, 'docs'), join(outside, 'into-ws')); // a link from outside pointing in
  return { base, workspace, outside };
}

test('file_access maps to roots: all = none, home = user home, anything else = workspace', () => {
  const places = { userHome: '/home/u', workspace: '/home/u/.ductor/workspace' };
  assert.equal(rootsForFileAccess('all', places), null);
  assert.deepEqual(rootsForFileAccess('home', places), ['/home/u']);
  assert.deepEqual(rootsForFileAccess('workspace', places), ['/home/u/.ductor/workspace']);
  assert.deepEqual(rootsForFileAccess('bogus', places), ['/home/u/.ductor/workspace']);
});

test('paths inside the root pass with their canonical form', async (t) => {
  const { workspace, outside } = await layout(t);
  assert.deepEqual(await checkPath(join(workspace, 'docs', 'a.txt'), [workspace]), { ok: true, path: join(workspace, 'docs', 'a.txt') });
  assert.deepEqual(await checkPath('docs/a.txt', [workspace]), { ok: true, path: join(workspace, 'docs', 'a.txt') });
  assert.deepEqual(await checkPath(join(workspace, 'new', 'file.txt'), [workspace]), { ok: true, path: join(workspace, 'new', 'file.txt') });
  // A link from outside that points back into the root resolves inside: allowed.
  assert.equal((await checkPath(join(outside, 'into-ws', 'a.txt'), [workspace])).ok, true);
  assert.equal((await checkPath('/etc/passwd', null)).ok, true, 'file_access all checks nothing but the characters');
});

test('a table of bad inputs is refused', async (t) => {
  const { workspace, outside } = await layout(t);
  const bad: Array<[string, string]> = [
    [join(workspace, 'escape', 'secret.txt'), 'outside_roots'], // folder symlink escaping the root
    [join(workspace, 'innocent.txt'), 'outside_roots'], // file symlink escaping the root
    [join(workspace, 'escape', 'not-yet', 'x.txt'), 'outside_roots'], // escape through a link into a path that does not exist yet
    [join(workspace, '..', 'outside', 'secret.txt'), 'outside_roots'],
    ['../outside/secret.txt', 'outside_roots'],
    ['docs/../../outside/secret.txt', 'outside_roots'],
    [`${workspace}/docs/../../../../etc/passwd`, 'outside_roots'],
    [join(outside, 'secret.txt'), 'outside_roots'],
    ['/etc/passwd', 'outside_roots'],
    [`${workspace}-evil/x`, 'outside_roots'], // a sibling that shares the prefix
    [`docs/a.txt\0.png`, 'nul_byte'],
    [`docs/a\x07.txt`, 'control_char'],
    [`docs/\x1b[31ma.txt`, 'control_char'],
    ['', 'empty'],
  ];
  for (const [input, reason] of bad) {
    const result = await checkPath(input, [workspace]);
    assert.equal(result.ok ? 'ok' : result.reason, reason, JSON.stringify(input));
  }
  await assert.rejects(assertPathInScope(join(workspace, 'escape', 'secret.txt'), [workspace]), { code: 'PATH_OUT_OF_SCOPE' });
});

test('folder names from outside must be one plain segment', () => {
  assert.equal(childPath('/ws/cron_tasks', 'daily-digest'), '/ws/cron_tasks/daily-digest');
  assert.equal(childPath('/ws/cron_tasks', '..hidden'), '/ws/cron_tasks/..hidden');
  for (const name of ['..', '.', '', '../x', 'a/b', 'a\\b', '/abs', 'a\0b', 'a\nb']) {
    assert.throws(() => childPath('/ws/cron_tasks', name), { code: 'UNSAFE_NAME' }, JSON.stringify(name));
  }
});

test('containment is by path segment, not string prefix', () => {
  assert.equal(isInside('/a/ws', '/a/ws'), true);
  assert.equal(isInside('/a/ws', '/a/ws/..x'), true);
  assert.equal(isInside('/a/ws', '/a/ws2'), false);
  assert.equal(isInside('/a/ws', '/a'), false);
});
