import assert from 'node:assert/strict';
import { mkdir, readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { test } from 'node:test';
import { InboxJournal } from '../../src/workers/agent/inbox/inbox-journal.js';
import { SerialWrites } from '../../src/shared/store/serial-writes.js';
import { tmpHome } from '../helpers/tmp-home.js';

test('serial writes run one at a time in call order; a failed one fails only its caller', async () => {
  const writes = new SerialWrites();
  const order: number[] = [];
  let running = 0;
  const job = (i: number, fail = false) => writes.run(async () => {
    running++;
    assert.equal(running, 1, 'one at a time');
    await new Promise((resolve) => setImmediate(resolve));
    order.push(i);
    running--;
    if (fail) throw new Error(`write ${i} failed`);
    return i;
  });
  const results = await Promise.allSettled([job(0), job(1, true), job(2), job(3)]);
  assert.deepEqual(order, [0, 1, 2, 3]);
  assert.deepEqual(results.map((r) => r.status), ['fulfilled', 'rejected', 'fulfilled', 'fulfilled']);
});

test('after a failed write the inbox journal keeps saving (a transient disk error does not stop intake)', async (t) => {
  const home = await tmpHome(t);
  const file = join(home, 'inbox.json');
  const journal = new InboxJournal(file, () => undefined);
  await journal.load();
  const inbound = (id: string) => ({
    id, chat: { transport: 'tg' as const, chatId: 1, topicId: null }, userId: 1, messageId: 1, chatType: 'private' as const,
    kind: 'message' as const, text: id, receivedAt: new Date().toISOString(), attachments: [],
  });
  // A folder where the file should be makes the rename fail, like a transient disk error would.
  await rm(file, { force: true });
  await mkdir(file);
  await assert.rejects(journal.add(inbound('tg:1:1')));
  await rm(file, { recursive: true });
  await journal.add(inbound('tg:1:2'));
  const saved = JSON.parse(await readFile(file, 'utf8')) as { entries: Array<{ inbound: { id: string } }> };
  assert.deepEqual(saved.entries.map((e) => e.inbound.id), ['tg:1:1', 'tg:1:2'], 'the next write saves everything, the earlier entry too');
});
