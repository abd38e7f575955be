/** The quarantine file and the owner's notice for updates set aside. */
import assert from 'node:assert/strict';
import { readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { test } from 'node:test';
import { silentLogger } from '../../src/shared/log/logger.js';
import { quarantineFileOf, UpdateQuarantine } from '../../src/workers/transport/update-quarantine.js';
import { tmpHome } from '../helpers/tmp-home.js';
import { waitFor } from '../helpers/wait-for.js';

const modeOf = async (path: string) => (await stat(path)).mode & 0o777;

function withUmask(t: { after(fn: () => unknown): void }, mask: number): void {
  const previous = process.umask(mask);
  t.after(() => void process.umask(previous));
}

test('each update set aside is one JSON line in run/quarantine.jsonl, 0600 in a 0700 folder whatever the umask', async (t) => {
  for (const mask of [0o022, 0o000]) {
    const home = await tmpHome(t);
    withUmask(t, mask);
    const quarantine = new UpdateQuarantine({ home, transport: 'tg', agent: 'main', log: silentLogger(), language: () => 'en', notify: async () => {} });
    await quarantine.record({ id: 41, reason: 'message.chat: missing', update: { update_id: 41, message: { text: 'secret words' } } });
    await quarantine.record({ id: 42, reason: 'failed 5 times: boom', update: { update_id: 42 } });
    const file = quarantineFileOf(home);
    assert.equal(file, join(home, 'run', 'quarantine.jsonl'));
    const lines = (await readFile(file, 'utf8')).trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
    assert.deepEqual(lines.map((l) => [l.transport, l.agent, l.id, l.reason]), [
      ['tg', 'main', 41, 'message.chat: missing'],
      ['tg', 'main', 42, 'failed 5 times: boom'],
    ]);
    assert.deepEqual(lines[0]?.update, { update_id: 41, message: { text: 'secret words' } });
    assert.equal(await modeOf(file), 0o600, `umask ${mask.toString(8)}`);
    assert.equal(await modeOf(join(home, 'run')), 0o700, `umask ${mask.toString(8)}`);
  }
});

test('the quarantine file stays bounded: a huge update is cut, and a full file rolls over to .1', async (t) => {
  const home = await tmpHome(t);
  const quarantine = new UpdateQuarantine({ home, transport: 'tg', agent: 'main', log: silentLogger(), language: () => 'en', notify: async () => {}, maxBytes: 20_000 });
  await quarantine.record({ id: 1, reason: 'too long', update: { update_id: 1, message: { text: 'x'.repeat(300_000) } } });
  const first = JSON.parse((await readFile(quarantineFileOf(home), 'utf8')).trim()) as { update?: unknown; updateJson?: string };
  assert.equal(first.update, undefined, 'the raw update is not kept whole');
  assert.ok(typeof first.updateJson === 'string' && first.updateJson.length < 20_000 && first.updateJson.startsWith('{"update_id":1'));
  for (let id = 2; id < 40; id++) await quarantine.record({ id, reason: 'r', update: { update_id: id, message: { text: 'y'.repeat(2_000) } } });
  assert.ok((await stat(quarantineFileOf(home))).size <= 20_000);
  assert.ok((await stat(`${quarantineFileOf(home)}.1`)).size <= 20_000);
  assert.equal(await modeOf(`${quarantineFileOf(home)}.1`), 0o600);
  const last = (await readFile(quarantineFileOf(home), 'utf8')).trim().split('\n').at(-1)!;
  assert.equal((JSON.parse(last) as { id: number }).id, 39, 'the newest entry is always kept');
});

test('the owner is told once per update, in their language; a burst becomes one notice with the count', async (t) => {
  const home = await tmpHome(t);
  const notices: string[] = [];
  const quarantine = new UpdateQuarantine({
    home, transport: 'tg', agent: 'main', log: silentLogger(), language: () => 'de',
    notify: async (text) => void notices.push(text), noticeIntervalMs: 200,
  });
  await quarantine.record({ id: 1, reason: 'r', update: {} });
  assert.equal(notices.length, 1);
  assert.match(notices[0]!, /Nachricht/);
  assert.ok(notices[0]!.includes(quarantineFileOf(home)));
  await quarantine.record({ id: 2, reason: 'r', update: {} });
  await quarantine.record({ id: 3, reason: 'r', update: {} });
  await quarantine.record({ id: 3, reason: 'r', update: {} });
  assert.equal(notices.length, 1, 'a burst waits for the interval');
  await waitFor(() => notices.length === 2);
  assert.match(notices[1]!, /\b2\b/, 'one notice for the two further updates (3 was recorded twice, told once)');
  quarantine.close();
});
