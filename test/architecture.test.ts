/**
 * The process boundaries of ARCHITECTURE.md, checked on the import specifiers under src/: workers
 * never import each other (they share only src/shared), and src/shared imports nothing from the
 * command line, the supervisor or the workers.
 */
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';

const SRC = fileURLToPath(new URL('../src', import.meta.url));
const IMPORT = /(?:import|export)\s[^'"]*?from\s+['"](\.[^'"]+)['"]|import\(\s*['"](\.[^'"]+)['"]\s*\)/g;

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const full = join(dir, name);
    if (statSync(full).isDirectory()) return sourceFiles(full);
    return name.endsWith('.ts') ? [full] : [];
  });
}

/** `workers/agent`, `workers/transport`, `workers/scheduler`, `shared`, `cli`, `supervisor`. */
function areaOf(path: string): string {
  const parts = relative(SRC, path).split('/');
  return parts[0] === 'workers' ? `workers/${parts[1]}` : parts[0]!;
}

function imports(): { from: string; to: string }[] {
  return sourceFiles(SRC).flatMap((file) => {
    const text = readFileSync(file, 'utf8');
    return [...text.matchAll(IMPORT)].map((m) => ({ from: file, to: resolve(dirname(file), m[1] ?? m[2]!) }));
  });
}

test('a worker never imports another worker', () => {
  const crossings = imports()
    .filter(({ from, to }) => areaOf(from).startsWith('workers/') && areaOf(to).startsWith('workers/') && areaOf(from) !== areaOf(to))
    .map(({ from, to }) => `${relative(SRC, from)} → ${relative(SRC, to)}`);
  assert.deepEqual(crossings, []);
});

test('src/shared imports nothing from the command line, the supervisor or the workers', () => {
  const leaks = imports()
    .filter(({ from, to }) => areaOf(from) === 'shared' && areaOf(to) !== 'shared')
    .map(({ from, to }) => `${relative(SRC, from)} → ${relative(SRC, to)}`);
  assert.deepEqual(leaks, []);
});

test('workers import nothing from the supervisor or the command line', () => {
  const leaks = imports()
    .filter(({ from, to }) => areaOf(from).startsWith('workers/') && (areaOf(to) === 'supervisor' || areaOf(to) === 'cli'))
    .map(({ from, to }) => `${relative(SRC, from)} → ${relative(SRC, to)}`);
  assert.deepEqual(leaks, []);
});
