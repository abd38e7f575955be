/** The transport's record of deliveries already sent: one answer per agent and delivery id. */
import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { DeliveryLog } from '../../src/workers/transport/delivery-log.js';

async function tempFile(t: { after: (fn: () => unknown) => void }): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'ductor-deliveries-'));
  t.after(() => rm(dir, { recursive: true, force: true }));
  return join(dir, 'deliveries.json');
}

test('two agents delivering under the same delivery id are two deliveries', async (t) => {
  const file = await tempFile(t);
  const log = new DeliveryLog(file, () => assert.fail('not corrupt'));
  await log.load();
  await log.record('main', 'tg:1:10:5:final', [7]);
  assert.deepEqual(log.get('main', 'tg:1:10:5:final'), [7]);
  assert.equal(log.get('helper', 'tg:1:10:5:final'), undefined, 'a sub-agent\'s answer is not taken for the main agent\'s');
  await log.record('helper', 'tg:1:10:5:final', [8]);
  const reloaded = new DeliveryLog(file, () => assert.fail('not corrupt'));
  await reloaded.load();
  assert.deepEqual(reloaded.get('main', 'tg:1:10:5:final'), [7]);
  assert.deepEqual(reloaded.get('helper', 'tg:1:10:5:final'), [8]);
});

test('a log written by an older version loads; its entries name no agent and match none', async (t) => {
  const file = await tempFile(t);
  await writeFile(file, JSON.stringify({ sent: [{ id: 'tg:10:5:final', messageIds: [3] }] }));
  const log = new DeliveryLog(file, () => assert.fail('an old log is not corrupt'));
  await log.load();
  assert.equal(log.get('main', 'tg:10:5:final'), undefined);
  await log.record('main', 'tg:1:10:6:final', [4]);
  const saved = JSON.parse(await readFile(file, 'utf8')) as { sent: { agent?: string; id: string }[] };
  assert.deepEqual(saved.sent.map((e) => [e.agent ?? null, e.id]), [[null, 'tg:10:5:final'], ['main', 'tg:1:10:6:final']]);
});
