// Runs every test/**/*.test.ts through Node's own runner with tsx as the loader.
// Node 20 neither globs nor loads .ts by itself, and a run that finds nothing would pass
// silently, so the file list is built here and an empty list fails.
// The e2e tests fork the compiled supervisor, so the build runs first.
import { execFileSync, spawnSync } from 'node:child_process';
import { readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';

const root = new URL('..', import.meta.url).pathname;
const filter = process.argv.slice(2);

function collect(dir) {
  const found = [];
  for (const name of readdirSync(dir)) {
    const full = join(dir, name);
    if (statSync(full).isDirectory()) found.push(...collect(full));
    else if (name.endsWith('.test.ts')) found.push(full);
  }
  return found;
}

let files = collect(join(root, 'test')).map((f) => relative(root, f)).sort();
if (filter.length > 0) files = files.filter((f) => filter.some((part) => f.includes(part)));
if (files.length === 0) {
  console.error('run-tests: no test files matched; refusing to report success');
  process.exit(1);
}
if (!process.env.DUCTOR_SKIP_BUILD) {
  execFileSync('npm', ['run', 'build', '--silent'], { cwd: root, stdio: 'inherit' });
}
const result = spawnSync(
  process.execPath,
  ['--import', 'tsx', '--test', '--test-concurrency=2', '--test-timeout=120000', ...files],
  { cwd: root, stdio: 'inherit', env: process.env },
);
process.exit(result.status ?? 1);
