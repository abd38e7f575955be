/** The state store: validation, atomic writes, quarantine of corrupt files, cross-process locking. */
import assert from 'node:assert/strict';
import { fork } from 'node:child_process';
import { once } from 'node:events';
import { readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { test } from 'node:test';
import * as z from 'zod/mini';
import { JsonStore, type CorruptReport } from '../../src/shared/store/json-store.js';
import { tmpHome } from '../helpers/tmp-home.js';

const Sessions = z.object({ sessions: z.record(z.string(), z.object({ count: z.int() })) });

function store(file: string, reports: CorruptReport[] = [], shared = false) {
  return new JsonStore({ file, schema: Sessions, empty: () => ({ sessions: {} }), shared, onCorrupt: (r) => reports.push(r) });
}

test('a missing file reads as empty, and a written file reads back', async (t) => {
  const dir = await tmpHome(t);
  const s = store(join(dir, 'sessions.json'));
  assert.deepEqual(await s.read(), { sessions: {} });
  await s.write({ sessions: { 'tg:1': { count: 2 } } });
  assert.deepEqual(await s.read(), { sessions: { 'tg:1': { count: 2 } } });
  assert.deepEqual((await readdir(dir)).filter((n) => n.includes('.tmp')), [], 'no temp file is left behind');
});

test('moves a corrupt sessions.json aside, reports it, and starts empty', async (t) => {
  const dir = await tmpHome(t);
  const file = join(dir, 'sessions.json');
  await writeFile(file, '{"sessions": {"tg:1": {"count": "many"}}}');
  const reports: CorruptReport[] = [];
  assert.deepEqual(await store(file, reports).read(), { sessions: {} });
  assert.equal(reports.length, 1);
  assert.match(reports[0]!.reason, /sessions\.tg:1\.count/);
  assert.match(reports[0]!.movedTo, /sessions\.json\.corrupt-\d{4}-/);
  assert.equal(await readFile(reports[0]!.movedTo, 'utf8'), '{"sessions": {"tg:1": {"count": "many"}}}', 'the bad copy is kept byte for byte');
});

test('invalid JSON is quarantined too', async (t) => {
  const dir = await tmpHome(t);
  const file = join(dir, 'sessions.json');
  await writeFile(file, '{"sessions": ');
  const reports: CorruptReport[] = [];
  await store(file, reports).read();
  assert.match(reports[0]!.reason, /invalid JSON/);
  assert.ok((await readdir(dir)).some((n) => n.startsWith('sessions.json.corrupt-')));
});

test('write refuses a value that breaks the schema and keeps the old file', async (t) => {
  const dir = await tmpHome(t);
  const s = store(join(dir, 'sessions.json'));
  await s.write({ sessions: { a: { count: 1 } } });
  await assert.rejects(s.write({ sessions: { a: { count: 1.5 } } }));
  assert.deepEqual(await s.read(), { sessions: { a: { count: 1 } } });
});

test('shared updates from two processes never lose an increment', async (t) => {
  const dir = await tmpHome(t);
  const file = join(dir, 'counter.json');
  const script = new URL('./fixtures/incr-counter.ts', import.meta.url).pathname;
  const children = [0, 1].map(() => fork(script, [file], { execArgv: ['--import', 'tsx'], cwd: process.cwd() }));
  const codes = await Promise.all(children.map(async (c) => (await once(c, 'exit'))[0]));
  assert.deepEqual(codes, [0, 0]);
  assert.deepEqual(JSON.parse(await readFile(file, 'utf8')), { n: 50 });
});
