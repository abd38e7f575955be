/**
 * Every key of config.json does something: each leaf of the schema is read by code outside the
 * schema files. A key a user can set but nothing reads is a broken promise.
 */
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { test } from 'node:test';
import type * as z from 'zod/mini';
import { ConfigSchema, LATER_VERSION_KEYS, RESERVED_CONFIG_PATHS } from '../../src/shared/config/schema.js';
import { objectShape } from '../../src/shared/config/schema-walk.js';

const root = new URL('../..', import.meta.url).pathname;
/** Files that declare or describe keys without acting on them. */
const DECLARING = new Set(['src/shared/config/schema.ts', 'src/shared/config/schema-blocks.ts']);
/** Keys of newer upstream versions, documented in schema.ts as kept verbatim and not read yet. */
const RESERVED = new Set<string>(LATER_VERSION_KEYS);
/** Nested keys documented as reserved in schema.ts. */
const RESERVED_PATHS = new Set<string>(RESERVED_CONFIG_PATHS);

function sources(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const full = join(dir, name);
    if (statSync(full).isDirectory()) return sources(full);
    return name.endsWith('.ts') ? [full] : [];
  });
}

function leafPaths(schema: z.core.$ZodType, prefix: string[] = []): string[][] {
  const shape = objectShape(schema);
  if (!shape) return [prefix];
  return Object.entries(shape).flatMap(([key, inner]) => leafPaths(inner, [...prefix, key]));
}

/** Read means: accessed as a property (`.key`, `['key']`, `?.key`) or destructured (`{ key }`, `key:`). */
function isRead(key: string, code: string): boolean {
  const escaped = key.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  return new RegExp(`(\\.|\\[['"])${escaped}\\b|[{,]\\s*${escaped}\\s*[,}:=]`).test(code);
}

test('every config schema key is read by code outside the schema (reserved keys excepted)', () => {
  const code = sources(join(root, 'src'))
    .filter((file) => !DECLARING.has(relative(root, file)))
    .map((file) => readFileSync(file, 'utf8'))
    .join('\n');
  const unread = leafPaths(ConfigSchema)
    .filter((path) => !RESERVED.has(path[0]!) && !RESERVED_PATHS.has(path.join('.')))
    .filter((path) => !isRead(path.at(-1)!, code))
    .map((path) => path.join('.'));
  assert.deepEqual(unread, []);
});
