/** Matrix → transport → agent → fake CLI → segments back, through the real supervisor and matrix-js-sdk. */
import assert from 'node:assert/strict';
import { readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { test } from 'node:test';
import { startFakeMatrix, MX_BOT, MX_PASSWORD, MX_USER, type FakeMatrix } from '../helpers/fake-matrix.js';
import { startRig, transcriptResult } from '../helpers/rig.js';
import { waitFor } from '../helpers/wait-for.js';

function matrixConfig(mx: FakeMatrix, rooms: string[], extra: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    transport: 'matrix',
    telegram_token: '',
    matrix: { homeserver: mx.url, user_id: MX_BOT, password: MX_PASSWORD, allowed_rooms: rooms, allowed_users: [MX_USER] },
    ...extra,
  };
}

test('a message in an allowed room streams into segments and ends with the transcript’s final text', async (t) => {
  const mx = await startFakeMatrix(t);
  const room = mx.createRoom({ members: [MX_USER, '@bob:fake.local'] });
  const rig = await startRig(t, { config: matrixConfig(mx, [room]), env: { FAKE_CLI_TRANSCRIPT: 'claude-local-longtext', FAKE_CLI_DELAY_MS: '30' } });
  const expected = await transcriptResult('claude', 'claude-local-longtext');
  const lastLine = expected.trim().split('\n').at(-1)!;
  await waitFor(() => mx.callsTo(/\/sync$/).length >= 2, { timeoutMs: 20_000, message: 'the client syncs' });
  mx.pushText(room, MX_USER, 'write me something long');
  await waitFor(() => mx.texts(room).some((text) => text.trim().endsWith(lastLine)), { timeoutMs: 30_000, message: 'final text in the room' });
  const texts = mx.texts(room);
  assert.ok(texts.length >= 2, `the answer came as several segments (${texts.length})`);
  const shown = texts.join('\n');
  for (const section of expected.match(/^#* *Section \d+/gm) ?? []) assert.ok(shown.includes(section.replace(/^#* */, '')), section);
  assert.equal(mx.callsTo(/\/send\/m\.room\.message\//).filter((c) => (c.body as { 'm.new_content'?: unknown })['m.new_content']).length, 0, 'no edits');
  const sessions = await readFile(join(rig.home, 'sessions.json'), 'utf8');
  assert.match(sessions, /"mx:/, 'the session key carries the transport');
  // The first password login was stored for the next start, owner-only.
  const credentials = join(rig.home, 'matrix_store', 'credentials.json');
  assert.equal((await stat(credentials)).mode & 0o777, 0o600);
  assert.ok(!rig.ductor.output().includes(MX_PASSWORD), 'the password is never logged');
});
