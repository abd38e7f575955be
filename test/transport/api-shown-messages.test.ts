/** The API's record of shown messages: which session may press which button, and what it sends. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { encodeCallback } from '../../src/shared/callbacks/callback-data.js';
import { ShownMessages, type ApiButton } from '../../src/workers/transport/api/shown-messages.js';

const ids = (rows: ApiButton[][]): string[] => rows.flat().map((b) => ('id' in b ? b.id : 'link'));

test('a press sends the button’s callback data, only for the session that was shown it', () => {
  const shown = new ShownMessages();
  const allow = encodeCallback('approval', 'k1:a');
  const { messageId, buttons } = shown.show('1001:', 'approval:r1', 'Permission needed', [[{ label: 'Allow once', data: allow }, { label: 'Docs', data: 'link', url: 'https://example.org' }]]);
  assert.deepEqual(buttons, [[{ id: '0', label: 'Allow once' }, { label: 'Docs', url: 'https://example.org' }]], 'the data stays on the server; a link has no id');
  assert.deepEqual(shown.press('1001:', messageId, '0'), { kind: 'press', data: allow, answer: null });
  assert.deepEqual(shown.press('1001:7', messageId, '0'), { kind: 'unknown' }, 'another channel of the same chat');
  assert.deepEqual(shown.press('1001:', messageId, '1'), { kind: 'unknown' }, 'a link is not pressed');
  assert.deepEqual(shown.press('1001:', messageId + 1, '0'), { kind: 'unknown' });
});

test('an update gives new buttons new ids and keeps the earlier ones pressable (a late approval press is told it expired)', () => {
  const shown = new ShownMessages();
  const first = shown.show('1:', 'sel', 'Pick a provider', [[{ label: 'claude', data: encodeCallback('model', 'p:claude') }]]);
  assert.equal(shown.messageOf('1:', { deliveryId: 'sel' }), first.messageId);
  assert.equal(shown.messageOf('2:', { deliveryId: 'sel' }), undefined, 'another session cannot replace it');
  const next = shown.update(first.messageId, 'Pick a model', [[{ label: 'sonnet', data: encodeCallback('model', 'm:sonnet') }]], 'sel:2');
  assert.deepEqual(ids(next), ['1']);
  assert.equal(shown.messageOf('1:', { deliveryId: 'sel:2' }), first.messageId, 'the replacing delivery can be replaced in turn');
  assert.equal(shown.press('1:', first.messageId, '0').kind, 'press');
  assert.equal(shown.press('1:', first.messageId, '1').kind, 'press');
});

test('a model’s choice is answered once; a press that did not reach the agent can be made again', () => {
  const shown = new ShownMessages();
  const { messageId } = shown.show('1:', 'd1', 'Which one?', [[{ label: 'Alpha', data: encodeCallback('answerButton', 'Alpha') }, { label: 'Beta', data: encodeCallback('answerButton', 'Beta') }]]);
  const first = shown.press('1:', messageId, '0');
  assert.deepEqual(first, { kind: 'press', data: 'b:Alpha', answer: { label: 'Alpha', text: 'Which one?\n\n[USER ANSWER] Alpha' } });
  assert.deepEqual(shown.press('1:', messageId, '1'), { kind: 'answered' }, 'the other choice of the same message too');
  shown.release(messageId);
  assert.equal(shown.press('1:', messageId, '1').kind, 'press');
});

test('only the newest 1000 messages are remembered', () => {
  const shown = new ShownMessages();
  const oldest = shown.show('1:', 'd0', 'q', [[{ label: 'x', data: 'b:x' }]]).messageId;
  for (let i = 1; i <= 1000; i++) shown.show('1:', `d${i}`, 'q', [[{ label: 'x', data: 'b:x' }]]);
  assert.deepEqual(shown.press('1:', oldest, '0'), { kind: 'unknown' });
  assert.equal(shown.messageOf('1:', { deliveryId: 'd0' }), undefined);
  assert.equal(shown.messageOf('1:', { deliveryId: 'd1000' }), oldest + 1000);
});
