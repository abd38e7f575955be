/** `ductor config schema` describes every key, so editors show help for each one. */
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { test } from 'node:test';
import { configJsonSchema } from '../../src/shared/config/schema.js';
import { runDuctor } from '../helpers/spawn-ductor.js';
import { tmpHome } from '../helpers/tmp-home.js';

type Node = { description?: string; properties?: Record<string, Node>; items?: Node; anyOf?: Node[] };

/** Every property path of a JSON Schema and its description (null when it has none). */
function properties(node: Node, prefix = ''): Array<[string, string | null]> {
  const out: Array<[string, string | null]> = [];
  for (const [key, child] of Object.entries(node.properties ?? {})) {
    out.push([`${prefix}${key}`, child.description ?? null]);
    out.push(...properties(child, `${prefix}${key}.`));
    for (const alt of child.anyOf ?? []) out.push(...properties(alt, `${prefix}${key}.`));
    if (child.items) out.push(...properties(child.items, `${prefix}${key}[].`));
  }
  return out;
}

test('every key of the config JSON Schema has a description', () => {
  const all = properties(configJsonSchema() as Node);
  assert.ok(all.length > 140, `${all.length} keys`);
  assert.deepEqual(all.filter(([, d]) => d === null).map(([p]) => p), []);
  const byPath = new Map(all);
  assert.match(byPath.get('telegram_token')!, /@BotFather/);
  assert.match(byPath.get('heartbeat.group_targets[].chat_id')!, /chat id/);
  assert.equal(byPath.get('webhooks.port'), 'Port it listens on.');
  assert.equal(byPath.get('interagent_port'), 'Loopback port of the internal API the agents\' tools call.', 'a shared port schema keeps each key\'s own text');
});

test('compiled `ductor config schema` writes the descriptions', async (t) => {
  const home = await tmpHome(t);
  const result = await runDuctor(home, ['config', 'schema']);
  assert.equal(result.code, 0, result.stderr);
  const written = JSON.parse(await readFile(join(home, 'config', 'config.schema.json'), 'utf8')) as Node;
  assert.deepEqual(properties(written).filter(([, d]) => d === null), []);
});

test('ductor start keeps config/config.schema.json current: a stale copy is replaced', async (t) => {
  const { startRig } = await import('../helpers/rig.js');
  const { writeFile } = await import('node:fs/promises');
  const rig = await startRig(t, { beforeStart: (home) => writeFile(join(home, 'config', 'config.schema.json'), '{"stale":true}\n') });
  const { waitFor } = await import('../helpers/wait-for.js');
  const file = join(rig.home, 'config', 'config.schema.json');
  await waitFor(async () => !(await readFile(file, 'utf8')).includes('stale'), { timeoutMs: 15_000, message: 'the stale schema replaced' });
  assert.deepEqual(JSON.parse(await readFile(file, 'utf8')), configJsonSchema());
});
