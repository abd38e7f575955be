/**
 * A Matrix transport SIGKILLed while an answer streams into segments: the restarted transport
 * neither sends again the segments already in the room nor the final text they already hold.
 */
import assert from 'node:assert/strict';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { test } from 'node:test';
import { startFakeMatrix, MX_BOT, MX_PASSWORD, MX_USER } from '../helpers/fake-matrix.js';
import { startRig } from '../helpers/rig.js';
import { pidOf } from '../helpers/spawn-ductor.js';
import { tmpHome } from '../helpers/tmp-home.js';
import { waitFor } from '../helpers/wait-for.js';

const PARTS = 16;
const TAIL = 'And that is the whole slow answer.';

/** A claude transcript streaming PARTS paragraphs, then a result that adds TAIL. */
async function writeSlowTranscript(dir: string): Promise<string> {
  const session = 'b5a05000-0000-4000-8000-00000000b5a0';
  const usage = { input_tokens: 10, output_tokens: 20 };
  const parts = Array.from({ length: PARTS }, (_, i) => `Part ${String(i + 1).padStart(2, '0')} of the slow answer, a paragraph of its own.\n\n`);
  const lines: unknown[] = [{ type: 'system', subtype: 'init', cwd: dir, session_id: session, tools: [], model: 'claude-sonnet-4-5', permissionMode: 'bypassPermissions' }];
  parts.forEach((text, i) => lines.push({ type: 'assistant', message: { id: `msg_${i}`, type: 'message', role: 'assistant', content: [{ type: 'text', text }], usage }, session_id: session }));
  const result = `${parts.join('')}${TAIL}`;
  lines.push({ type: 'result', subtype: 'success', is_error: false, duration_ms: 5, duration_api_ms: 4, num_turns: 1, result, session_id: session, total_cost_usd: 0.001, usage });
  const file = join(dir, 'slow.jsonl');
  await writeFile(file, `${lines.map((l) => JSON.stringify(l)).join('\n')}\n`);
  return file;
}

test('Matrix: a transport SIGKILLed mid-stream sends every part of the answer exactly once', async (t) => {
  const mx = await startFakeMatrix(t);
  const room = mx.createRoom({ members: [MX_USER, '@bob:fake.local'] });
  const scratch = await tmpHome(t, 'ductor-transcript-');
  const rig = await startRig(t, {
    config: {
      transport: 'matrix',
      telegram_token: '',
      matrix: { homeserver: mx.url, user_id: MX_BOT, password: MX_PASSWORD, allowed_rooms: [room], allowed_users: [MX_USER] },
      streaming: { enabled: true, min_chars: 40, max_chars: 2000 },
    },
    env: { FAKE_CLI_TRANSCRIPT: await writeSlowTranscript(scratch), FAKE_CLI_DELAY_MS: '250' },
  });
  await waitFor(() => mx.callsTo(/\/sync$/).length >= 2, { timeoutMs: 20_000, message: 'the client syncs' });
  const before = await rig.ductor.waitForStatus((s) => s.workers.every((w) => w.state === 'ready'), 60_000);
  mx.pushText(room, MX_USER, 'tell me slowly');
  await waitFor(() => mx.texts(room).some((text) => text.includes('Part 03')), { timeoutMs: 30_000, message: 'some segments are in the room' });
  // Killed at once: a segment may be on its way (recorded before its send, sent again after the restart with the same transaction id).
  const pid = pidOf(before, 'transport');
  process.kill(pid, 'SIGKILL');
  await rig.ductor.waitForStatus((s) => s.workers.find((w) => w.id === 'transport')?.state === 'ready' && pidOf(s, 'transport') !== pid, 60_000);
  await waitFor(() => mx.texts(room).some((text) => text.includes(TAIL)), { timeoutMs: 60_000, message: 'the end of the answer is in the room' });
  await waitFor(async () => (await readFile(join(rig.home, 'outbox.json'), 'utf8').catch(() => '')).match(/"pending":\s*\[\s*\]/) !== null, { timeoutMs: 30_000, message: 'the delivery is confirmed' });

  const shown = mx.texts(room).join('\n');
  for (let i = 1; i <= PARTS; i++) {
    const part = `Part ${String(i).padStart(2, '0')} `;
    assert.equal(shown.split(part).length - 1, 1, `${part.trim()} exactly once: ${JSON.stringify(mx.texts(room))}`);
  }
  assert.equal(shown.split(TAIL).length - 1, 1, 'the tail exactly once');
});
