/** The transport's record of deliveries already sent: one answer per agent and delivery id. */
import assert from 'node:assert/strict';
import { appendFile, mkdir, mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, dirname, join } from 'node:path';
import { test } from 'node:test';
import type { CorruptReport } from '../../src/shared/store/json-store.js';
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
  assert.deepEqual((await lines(file)).map((e) => [e.agent ?? null, e.id]), [[null, 'tg:10:5:final'], ['main', 'tg:1:10:6:final']]);
});

/** The journal's entries, one JSON line each. */
async function lines(file: string): Promise<{ agent?: string; id: string; messageIds: number[] }[]> {
  return (await readFile(file, 'utf8')).split('\n').filter((l) => l !== '').map((l) => JSON.parse(l) as { agent?: string; id: string; messageIds: number[] });
}

test('a delivery appends one line: the file is not rewritten, keeps mode 0600, and a restart finds every id', async (t) => {
  const file = await tempFile(t);
  const log = new DeliveryLog(file, () => assert.fail('not corrupt'));
  await log.load();
  await log.record('main', 'd1', [1]);
  const before = await stat(file);
  await Promise.all([log.record('main', 'd2', [2, 3]), log.record('helper', 'd3', [])]);
  const after = await stat(file);
  assert.equal(after.ino, before.ino, 'the same file, appended to, not replaced by a rewrite');
  assert.equal(after.mode & 0o777, 0o600);
  assert.deepEqual((await lines(file)).map((e) => e.id).sort(), ['d1', 'd2', 'd3']);
  const reloaded = new DeliveryLog(file, () => assert.fail('not corrupt'));
  await reloaded.load();
  assert.deepEqual(reloaded.get('main', 'd1'), [1]);
  assert.deepEqual(reloaded.get('main', 'd2'), [2, 3]);
  assert.deepEqual(reloaded.get('helper', 'd3'), []);
});

test('a torn last line (a crash mid-append) is kept aside and reported; every other id survives and new ones append cleanly', async (t) => {
  const file = await tempFile(t);
  const log = new DeliveryLog(file, () => assert.fail('not corrupt'));
  await log.load();
  await log.record('main', 'd1', [1]);
  await log.record('main', 'd2', [2]);
  await appendFile(file, '{"agent":"main","id":"d3","mess');
  const reports: CorruptReport[] = [];
  const reloaded = new DeliveryLog(file, (r) => reports.push(r));
  await reloaded.load();
  assert.equal(reports.length, 1);
  assert.match(reports[0]!.reason, /torn/);
  assert.equal(await readFile(reports[0]!.movedTo, 'utf8'), '{"agent":"main","id":"d3","mess', 'the torn line is kept for a look');
  assert.deepEqual(reloaded.get('main', 'd1'), [1]);
  assert.deepEqual(reloaded.get('main', 'd2'), [2]);
  assert.equal(reloaded.get('main', 'd3'), undefined);
  await reloaded.record('main', 'd4', [4]);
  assert.deepEqual((await lines(file)).map((e) => e.id), ['d1', 'd2', 'd4'], 'the next line is whole, not glued to the torn one');
  assert.equal((await stat(file)).mode & 0o777, 0o600);
});

test('the journal is compacted past its bound: the newest ids stay, the file shrinks, atomically and owner-only', async (t) => {
  const file = await tempFile(t);
  const log = new DeliveryLog(file, () => assert.fail('not corrupt'));
  await log.load();
  const total = 4_500;
  for (let i = 0; i < total; i++) await log.record('main', `d${i}`, [i]);
  const kept = await lines(file);
  assert.ok(kept.length <= 4_000, `compacted: ${kept.length} lines`);
  assert.equal(kept.at(-1)!.id, `d${total - 1}`);
  assert.equal((await stat(file)).mode & 0o777, 0o600);
  assert.deepEqual((await readdir(dirname(file))).filter((n) => n !== basename(file)), [], 'no temp file left behind');
  const reloaded = new DeliveryLog(file, () => assert.fail('not corrupt'));
  await reloaded.load();
  assert.deepEqual(reloaded.get('main', `d${total - 1}`), [total - 1]);
  assert.deepEqual(reloaded.get('main', `d${total - 2_000}`), [total - 2_000], 'the last 2000 are remembered');
  assert.equal(reloaded.get('main', 'd0'), undefined, 'the oldest aged out');
});

test('a log in the old single-document format is migrated to the journal on load', async (t) => {
  const file = await tempFile(t);
  await writeFile(file, JSON.stringify({ sent: [{ agent: 'main', id: 'old1', messageIds: [5] }, { id: 'older', messageIds: [6] }] }, null, 2), { mode: 0o600 });
  const log = new DeliveryLog(file, () => assert.fail('an old log is not corrupt'));
  await log.load();
  assert.deepEqual(log.get('main', 'old1'), [5]);
  assert.deepEqual((await lines(file)).map((e) => [e.agent ?? null, e.id]), [['main', 'old1'], [null, 'older']], 'rewritten as one line per id');
  await log.record('main', 'new1', [7]);
  const reloaded = new DeliveryLog(file, () => assert.fail('not corrupt'));
  await reloaded.load();
  assert.deepEqual(reloaded.get('main', 'old1'), [5]);
  assert.deepEqual(reloaded.get('main', 'new1'), [7]);
});

test('an append that fails loses nothing: the next delivery rewrites the journal whole, with the failed one in it', async (t) => {
  const file = await tempFile(t);
  const log = new DeliveryLog(file, () => assert.fail('not corrupt'));
  await log.load();
  await log.record('main', 'd1', [1]);
  await rm(file);
  await mkdir(file);
  await assert.rejects(log.record('main', 'd2', [2]), /EISDIR/);
  assert.deepEqual(log.get('main', 'd2'), [2], 'the sending process still knows it was sent');
  await rm(file, { recursive: true });
  await log.record('main', 'd3', [3]);
  assert.deepEqual((await lines(file)).map((e) => e.id), ['d1', 'd2', 'd3']);
});

test('a last line that lost only its newline loads, and the next line does not run into it', async (t) => {
  const file = await tempFile(t);
  await writeFile(file, '{"agent":"main","id":"d1","messageIds":[1]}', { mode: 0o600 });
  const log = new DeliveryLog(file, () => assert.fail('a whole line is not corrupt'));
  await log.load();
  assert.deepEqual(log.get('main', 'd1'), [1]);
  await log.record('main', 'd2', [2]);
  assert.deepEqual((await lines(file)).map((e) => e.id), ['d1', 'd2']);
});
