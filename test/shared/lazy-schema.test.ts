import assert from 'node:assert/strict';
import { test } from 'node:test';
import * as z from 'zod/mini';
import { lazySchema } from '../../src/shared/lazy-schema.js';

test('a lazy schema is built on first use, once, and behaves like the schema itself', () => {
  let builds = 0;
  const Item = lazySchema(() => {
    builds++;
    return z.object({ id: z.string(), n: z._default(z.int(), 1) });
  });
  const List = lazySchema(() => z.object({ items: z.array(Item) }));
  assert.equal(builds, 0, 'nothing is built when the module loads');
  assert.deepEqual(List.parse({ items: [{ id: 'a' }] }), { items: [{ id: 'a', n: 1 }] });
  assert.equal(Item.safeParse({ id: 3 }).success, false);
  assert.deepEqual(Object.keys(z.extend(Item, { extra: z.boolean() }).shape), ['id', 'n', 'extra']);
  assert.ok(Item instanceof z.ZodMiniObject, 'zod recognises it as an object schema');
  assert.equal(builds, 1);
});
