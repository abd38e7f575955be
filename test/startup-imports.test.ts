/**
 * What a process loads before it is ready: the packages reached from each entry by static
 * imports (`import type` loads nothing, and an `import()` waits for its first use). Heavy packages
 * that are only needed after start-up stay behind an `import()`, so that they cost nothing in a
 * cold start. Checked on the sources; the bundles follow the same graph (esbuild evaluates a
 * module reached only through `import()` when that import runs).
 */
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';

const SRC = fileURLToPath(new URL('../src', import.meta.url));
// `import x from '…'`, `import { … } from '…'`, `export … from '…'`, `import '…'`; not `import type`.
const STATIC = /^(?:import|export)\s+(?!type\s)(?:[^'"]*?\sfrom\s+)?['"]([^'"]+)['"]/gm;

/** The packages (bare specifiers, without subpaths) reached from `entry` by static imports. */
function packagesReached(entry: string): Set<string> {
  return new Set([...specifiersReached(entry)].map((spec) => {
    const parts = spec.split('/');
    return spec.startsWith('@') ? parts.slice(0, 2).join('/') : parts[0]!;
  }));
}

/** The bare specifiers (with their subpaths) reached from `entry` by static imports. */
function specifiersReached(entry: string): Set<string> {
  const specifiers = new Set<string>();
  const seen = new Set<string>();
  const visit = (file: string) => {
    if (seen.has(file)) return;
    seen.add(file);
    const text = readFileSync(file, 'utf8');
    for (const [, spec] of text.matchAll(STATIC)) {
      if (spec!.startsWith('.')) {
        const target = resolve(dirname(file), spec!).replace(/\.js$/, '.ts');
        if (existsSync(target)) visit(target);
      } else if (!spec!.startsWith('node:')) {
        specifiers.add(spec!);
      }
    }
  };
  visit(entry);
  return specifiers;
}

test('the import graph walk finds the packages a worker does load at start', () => {
  assert.ok(packagesReached(resolve(SRC, 'workers/scheduler/main.ts')).has('pino'));
});

test('the scheduler loads express only when a webhook or internal API request needs it', () => {
  assert.equal(packagesReached(resolve(SRC, 'workers/scheduler/main.ts')).has('express'), false);
});

test('no worker loads proper-lockfile (graceful-fs, signal-exit) before its first cross-process lock', () => {
  for (const role of ['transport', 'scheduler', 'agent']) {
    assert.equal(packagesReached(resolve(SRC, `workers/${role}/main.ts`)).has('proper-lockfile'), false, role);
  }
});

test('workers load the three semver functions they use, not the package index with ranges and the rest', () => {
  for (const role of ['transport', 'scheduler', 'agent']) {
    const semver = [...specifiersReached(resolve(SRC, `workers/${role}/main.ts`))].filter((spec) => spec === 'semver' || spec.startsWith('semver/'));
    assert.ok(semver.length > 0 && !semver.includes('semver'), `${role}: ${semver.join(', ')}`);
  }
});
