/**
 * The process boundaries described in docs/architecture.md, checked on the import specifiers
 * under src/: workers never import each other (they share only src/shared), and src/shared imports nothing from the
 * command line, the supervisor or the workers. Also: src/ reaches zod only through zod/mini, which
 * keeps each process's bundle and heap small.
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

/** Every import of a zod module under src/: the whole statement, its specifier and whether it is type-only. */
const ZOD_IMPORT = /(?:import|export)\s+(type\s+)?([^'";]*?)\s*from\s+['"](zod(?:\/[^'"]*)?)['"]|import\(\s*['"](zod(?:\/[^'"]*)?)['"]\s*\)/g;

function zodImports(): { file: string; typeOnly: boolean; clause: string; specifier: string }[] {
  return sourceFiles(SRC).flatMap((file) =>
    [...readFileSync(file, 'utf8').matchAll(ZOD_IMPORT)].map((m) => ({
      file: relative(SRC, file),
      typeOnly: Boolean(m[1]),
      clause: m[2] ?? '',
      specifier: (m[3] ?? m[4])!,
    })),
  );
}

test('src uses zod/mini only: classic zod, the locale index and the `z` re-export bundle all of zod into every process', () => {
  const allowed = /^zod\/(?:v4\/)?mini$|^zod\/v4\/core$|^zod\/v4\/locales\/[a-z-]+\.js$/;
  const offenders = zodImports()
    .filter(({ clause, specifier }) => !allowed.test(specifier) || /\{[^}]*\bz\b[^}]*\}/.test(clause))
    .map(({ file, clause, specifier }) => `${file}: ${clause} from '${specifier}'`);
  assert.deepEqual(offenders, []);
});

test('every module that builds zod/mini schemas loads the English messages (zod/mini has none of its own)', () => {
  const english = join(SRC, 'shared', 'zod-english.js');
  const loadsEnglish = (file: string) => {
    const full = join(SRC, file);
    const sideEffectImports = readFileSync(full, 'utf8').matchAll(/^import\s+['"](\.[^'"]+)['"]/gm);
    return [...sideEffectImports].some((m) => resolve(dirname(full), m[1]!) === english);
  };
  const missing = zodImports()
    .filter(({ typeOnly, clause, specifier }) => specifier.endsWith('mini') && !typeOnly && clause.startsWith('*'))
    .map(({ file }) => file)
    .filter((file) => !loadsEnglish(file));
  assert.deepEqual(missing, []);
});
