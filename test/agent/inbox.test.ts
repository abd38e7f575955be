/** The inbox's life-cycle pieces: the chat queue held and interrupted by a stop, the journal's states across a start. */
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import type { Inbound } from '../../src/shared/rpc/conversation-schemas.js';
import { ChatQueue, isInterruption } from '../../src/workers/agent/inbox/chat-queue.js';
import { InboxJournal } from '../../src/workers/agent/inbox/inbox-journal.js';

function inbound(id: string): Inbound {
  return { id, chat: { transport: 'tg', chatId: 1, topicId: null }, userId: 1, messageId: 1, chatType: 'private', kind: 'message', text: id, receivedAt: new Date(0).toISOString(), attachments: [] };
}

test('a held queue starts nothing that waits, and interrupting marks the abort as the host\'s', async () => {
  const reasons: unknown[] = [];
  const started: string[] = [];
  const queue = new ChatQueue(() => undefined);
  const work = (id: string) => ({
    id,
    run: (signal: AbortSignal) => new Promise<void>((resolve) => {
      started.push(id);
      signal.addEventListener('abort', () => {
        reasons.push(signal.reason);
        resolve();
      });
    }),
  });
  queue.push('lane', work('running'));
  queue.push('lane', work('waiting'));
  queue.hold();
  assert.equal(queue.interruptRunning('stopping'), 1);
  await queue.idle();
  assert.deepEqual(started, ['running'], 'the waiting message did not start');
  assert.equal(reasons.length, 1);
  assert.ok(isInterruption(reasons[0]));
  assert.ok(!isInterruption(new Error('stop')), 'a user\'s /stop is not an interruption');
});

test('the journal across a start: running becomes interrupted, requeued runs again, interrupted stays for Retry', async (t) => {
  const dir = await mkdtemp(join(tmpdir(), 'ductor-inbox-'));
  t.after(() => rm(dir, { recursive: true, force: true }));
  const file = join(dir, 'inbox.json');
  const journal = new InboxJournal(file, () => assert.fail('not corrupt'));
  await journal.load();
  for (const id of ['a', 'b', 'c']) await journal.add(inbound(id));
  for (const id of ['a', 'b', 'c']) await journal.markRunning(id, `turn-${id}`);
  await journal.requeue('b'); // stopped before its CLI started
  await journal.markInterrupted('c'); // its CLI was killed; a Retry was offered already

  const next = new InboxJournal(file, () => assert.fail('not corrupt'));
  const { queued, interrupted } = await next.load();
  assert.deepEqual(queued.map((e) => e.inbound.id), ['b']);
  assert.deepEqual(interrupted.map((e) => e.inbound.id), ['a'], 'only the turn cut off by the crash gets a new notice');
  assert.equal(next.find('c')?.state, 'interrupted');
  assert.equal(next.find('a')?.turnId, 'turn-a');
});
