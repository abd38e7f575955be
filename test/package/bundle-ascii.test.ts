/**
 * Every bundle in dist/bin is plain ASCII. V8 keeps each loaded bundle's source as one string in
 * the process's heap; a single character beyond Latin-1 anywhere in it makes that string two bytes
 * per character, so one "…" in a regular expression doubled the agent worker's 0.5 MiB of source
 * in every agent process. esbuild escapes such characters in strings, not in regular expressions.
 */
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';

const BIN = fileURLToPath(new URL('../../dist/bin/', import.meta.url));

test('the bundles in dist/bin hold ASCII characters only, so V8 keeps their source one byte per character', () => {
  const bundles = readdirSync(BIN).filter((name) => /\.(?:m?js)$/.test(name));
  assert.ok(bundles.includes('agent-worker.js'), `the build wrote the worker bundles to ${BIN}`);
  for (const name of bundles) {
    const text = readFileSync(join(BIN, name), 'latin1');
    const at = text.search(/[^\x00-\x7f]/);
    assert.equal(at, -1, `${name} has a non-ASCII byte near: ${JSON.stringify(text.slice(Math.max(0, at - 40), at + 10))}`);
  }
});
