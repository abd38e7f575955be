// The chat side of tool approvals, without a CLI: what is sent, who may answer, what a late answer hears.
import { decodeCallback } from '../../src/shared/callbacks/callback-data.js';
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ChatApprovals } from '../../src/workers/agent/orchestrator/chat-approvals.js';
import type { ApprovalDecision } from '../../src/workers/agent/providers/events.js';
import type { ChatRef, Delivery } from '../../src/shared/rpc/conversation-schemas.js';

const chat: ChatRef = { transport: 'tg', chatId: 5, topicId: null };
const other: ChatRef = { transport: 'tg', chatId: 6, topicId: null };
const ask = { type: 'approval_request' as const, requestId: 'req-1', toolName: 'Bash', summary: 'rm -rf build', input: { command: 'rm -rf build' } };

function setup() {
  const sent: Delivery[] = [];
  const answered: Array<[string, ApprovalDecision]> = [];
  let open = true;
  const approvals = new ChatApprovals({
    send: async (d) => void sent.push(d),
    answer: (id, decision) => {
      if (!open) return false;
      open = false;
      answered.push([id, decision]);
      return true;
    },
    timeoutMs: () => 90_000,
  });
  return { approvals, sent, answered };
}

test('the question names tool, summary and expiry, with three buttons; a press answers and replaces it', async () => {
  const { approvals, sent, answered } = setup();
  await approvals.request(chat, 12, ask);
  const question = sent[0]!;
  assert.match(question.text, /Bash\nrm -rf build/);
  assert.match(question.text, /2 min/);
  const buttons = question.buttons.flat();
  assert.deepEqual(buttons.map((b) => b.label), ['Allow once', 'Allow for this session', 'Deny']);
  const press = ChatApprovals.parseCallback(decodeCallback(buttons[1]!.data).payload)!;
  assert.equal(await approvals.answer(chat, press.key, press.decision), null);
  assert.deepEqual(answered, [['req-1', 'allow_session']]);
  assert.equal(sent[1]!.replaces, question.deliveryId);
  assert.match(sent[1]!.text, /→ Allow for this session/);
  assert.equal(await approvals.answer(chat, press.key, 'deny'), '⌛ This approval request has expired; the tool call was denied.', 'a second press');
});

test('another chat cannot answer; typed answers count only while a question is open', async () => {
  const { approvals, sent, answered } = setup();
  assert.equal(approvals.typedAnswer(chat, 'deny'), null, 'no question open: "deny" is an ordinary message');
  await approvals.request(chat, null, ask);
  const key = ChatApprovals.parseCallback(decodeCallback(sent[0]!.buttons[0]![0]!.data).payload)!.key;
  assert.match((await approvals.answer(other, key, 'allow')) ?? '', /expired/);
  assert.deepEqual(answered, []);
  assert.equal(approvals.typedAnswer(other, 'allow'), null);
  assert.equal(approvals.typedAnswer(chat, 'please allow everything'), null);
  assert.equal(approvals.typedAnswer(chat, 'Allow session'), 'allow_session');
  assert.equal(approvals.typedAnswer(chat, 'deny'), 'deny');
  assert.equal(await approvals.answer(chat, null, 'deny'), null);
  assert.deepEqual(answered, [['req-1', 'deny']]);
});

test('an expired request says so in its message, and a late press hears it expired', async () => {
  const { approvals, sent, answered } = setup();
  await approvals.request(chat, null, ask);
  await approvals.resolved({ type: 'approval_resolved', requestId: 'req-1', decision: 'deny', byTimeout: true });
  assert.match(sent[1]!.text, /No answer in time: denied/);
  assert.equal(sent[1]!.replaces, sent[0]!.deliveryId);
  const key = ChatApprovals.parseCallback(decodeCallback(sent[0]!.buttons[0]![0]!.data).payload)!.key;
  assert.match((await approvals.answer(chat, key, 'allow')) ?? '', /expired/);
  assert.deepEqual(answered, []);
});
