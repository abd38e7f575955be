/** A malformed Telegram update between good ones: set aside, reported once, and the good ones answered. */
import assert from 'node:assert/strict';
import { readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { test } from 'node:test';
import { startRig, transcriptResult, USER_ID } from '../helpers/rig.js';
import { waitFor } from '../helpers/wait-for.js';

const from = { id: USER_ID, is_bot: false, first_name: 'User' };
const chat = { id: USER_ID, type: 'private', first_name: 'User' };

test('good, poison, good: both good messages are answered, the poison updates are quarantined and reported once', async (t) => {
  const rig = await startRig(t);
  const answer = (await transcriptResult('claude', 'claude-local-hello')).trim();
  const first = rig.tg.pushMessage({ chatId: USER_ID, userId: USER_ID, text: 'first' });
  const poison = [
    rig.tg.pushUpdate({ message: { message_id: 900, date: 0, from, text: 'no chat' } }),
    rig.tg.pushUpdate({ message: { message_id: 901, date: 0, chat, from, text: 42 } }),
    rig.tg.pushUpdate({ message: { message_id: 902, date: 0, chat: { ...chat, id: String(USER_ID) }, from, text: 'string id' } }),
    rig.tg.pushUpdate({ message: { message_id: 903, date: 0, chat, from, text: 'x'.repeat(200_001) } }),
    rig.tg.pushUpdate({ message: { message_id: 904, date: 0, chat, from, photo: [{}] } }),
  ];
  const second = rig.tg.pushMessage({ chatId: USER_ID, userId: USER_ID, text: 'second' });
  const answered = (messageId: number) =>
    rig.tg.visible(USER_ID).some((m) => m.replyTo === messageId && m.visibleText.trim() === answer);
  await waitFor(() => answered(first.messageId) && answered(second.messageId), { timeoutMs: 30_000, message: 'both good messages answered' });
  await waitFor(() => rig.tg.pendingUpdates().length === 0, { timeoutMs: 10_000, message: 'every update confirmed' });

  const file = join(rig.home, 'run', 'quarantine.jsonl');
  const entries = await waitFor(async () => {
    const lines = (await readFile(file, 'utf8').catch(() => '')).trim().split('\n').filter(Boolean);
    return lines.length === poison.length ? lines.map((l) => JSON.parse(l) as { id: number; transport: string; reason: string }) : null;
  }, { timeoutMs: 10_000, message: 'every poison update in the quarantine file' });
  assert.deepEqual(entries.map((e) => e.id).sort((a, b) => a - b), poison);
  assert.ok(entries.every((e) => e.transport === 'tg' && e.reason.startsWith('malformed update')));
  assert.equal((await stat(file)).mode & 0o777, 0o600);

  // The owner hears about it, once (a burst is one notice), and no CLI ever saw a poison update.
  const notice = await waitFor(() => rig.tg.visible(USER_ID).filter((m) => m.visibleText.includes('set aside')), { timeoutMs: 10_000 });
  assert.equal(notice.length, 1);
  assert.ok(notice[0]!.visibleText.includes(file));
  const stdin = (await rig.cliRuns()).filter((r) => r.event === 'start').map((r) => r.stdin ?? '');
  assert.equal(stdin.length, 2);
  assert.ok(stdin.every((s) => !s.includes('no chat') && !s.includes('string id')));
});
