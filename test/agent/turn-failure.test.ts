/**
 * A turn that throws inside the agent (not a stop, not a CLI failure: a bug or a file that could
 * not be written) must not leave the user waiting with the typing indicator on: the message is kept
 * as interrupted and the user gets one notice with Retry that closes the turn's live message.
 */
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import pino from 'pino';
import { decodeCallback } from '../../src/shared/callbacks/callback-data.js';
import { makeInbound, type Delivery } from '../../src/shared/rpc/conversation-schemas.js';
import { InboxJournal } from '../../src/workers/agent/inbox/inbox-journal.js';
import { AgentService, type AgentServiceDeps } from '../../src/workers/agent/orchestrator/agent-service.js';
import { waitFor } from '../helpers/wait-for.js';

const CHAT = { transport: 'tg' as const, chatId: 2002, topicId: null };

test('a turn that throws offers one Retry on the turn, and its message is kept as interrupted', async (t) => {
  const dir = await mkdtemp(join(tmpdir(), 'ductor-turn-failure-'));
  t.after(() => rm(dir, { recursive: true, force: true }));
  const journal = new InboxJournal(join(dir, 'inbox.json'), () => assert.fail('not corrupt'));
  await journal.load();
  const persisted: Delivery[] = [];
  const started: string[] = [];
  const broken = () => {
    throw new Error('disk full');
  };
  const deps = {
    log: pino({ level: 'silent' }),
    journal,
    outbox: { send: async (d: Delivery) => void persisted.push(d), persist: async (d: Delivery) => void persisted.push(d) },
    // Everything the turn reads first fails, as a state file that cannot be read would.
    turn: { approvals: undefined, config: broken, sessions: { get: broken, resolve: broken }, paths: { workspace: dir } },
    commands: { agent: 'main', version: '0.0.0-test', codexModels: () => [] },
    queueUpdate: (_chat: unknown, ids: string[], outcome: string, extra: { turnId: string }) => {
      if (outcome === 'started') started.push(extra.turnId);
    },
  } as unknown as AgentServiceDeps;
  const service = new AgentService(deps);
  const message = makeInbound({ id: 'tg:1:2002:7', chat: CHAT, userId: 2002, chatType: 'private', text: 'hello there', messageId: 7 });
  await service.inbound(message);
  await waitFor(() => persisted.length > 0, { message: 'a notice after the failed turn' });
  assert.equal(persisted.length, 1);
  const notice = persisted[0]!;
  assert.match(notice.text, /hello there/);
  assert.match(notice.text, /failed inside ductor/);
  assert.equal(notice.turnId, started[0], 'the notice closes the turn that was started');
  const retry = notice.buttons.flat().map((b) => decodeCallback(b.data));
  assert.deepEqual(retry.map((c) => c?.kind), ['retry']);
  assert.equal(journal.find(message.id)?.state, 'interrupted');
});
