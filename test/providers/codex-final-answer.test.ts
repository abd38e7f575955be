// Which codex agent message is the turn's answer: the last one, even when tool items follow it,
// and the `phase` (commentary / final_answer) when codex names it.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { NormalizedEvent } from '../../src/workers/agent/providers/events.js';
import { replay } from './replay.js';

const textOf = (events: NormalizedEvent[]) => events.flatMap((e) => (e.type === 'text_delta' ? [e.text] : [])).join('');
const line = (o: object) => JSON.stringify(o);
const message = (id: string, text: string, phase?: string) => line({ type: 'item.completed', item: { id, type: 'agent_message', text, ...(phase ? { phase } : {}) } });
const started = '{"type":"thread.started","thread_id":"t1"}';
const completed = '{"type":"turn.completed","usage":{"input_tokens":3,"cached_input_tokens":0,"output_tokens":4}}';
const command = (id: string) => [
  line({ type: 'item.started', item: { id, type: 'command_execution', command: 'ls', aggregated_output: '', exit_code: null, status: 'in_progress' } }),
  line({ type: 'item.completed', item: { id, type: 'command_execution', command: 'ls', aggregated_output: 'a\n', exit_code: 0, status: 'completed' } }),
];
const collab = (id: string) => line({ type: 'item.completed', item: { id, type: 'collab_tool_call', tool: 'close_agent', status: 'completed' } });

test('codex: the last agent message is the answer even when a tool item follows it', () => {
  const { result, events } = replay('codex', [started, message('item_0', 'Checking.'), ...command('item_1'), message('item_2', 'The answer is 42.'), collab('item_3'), completed]);
  assert.equal(result.isError, false, result.errorMessage ?? '');
  assert.equal(result.text, 'The answer is 42.');
  assert.equal(textOf(events), result.text, 'the streamed text is the final text');
});

test('codex: a message followed only by a tool is still the answer when nothing comes after', () => {
  const { result } = replay('codex', [started, message('item_0', 'Done: the file is gone.'), ...command('item_1'), completed]);
  assert.equal(result.isError, false, result.errorMessage ?? '');
  assert.equal(result.text, 'Done: the file is gone.');
});

test('codex: phase commentary is narration (thinking), phase final_answer is the answer even before a tool item', () => {
  const { result, events } = replay('codex', [
    started,
    message('item_0', 'I will look first.', 'commentary'),
    ...command('item_1'),
    message('item_2', 'Final: 42.', 'final_answer'),
    collab('item_3'),
    message('item_4', 'One more remark.', 'commentary'),
    completed,
  ]);
  assert.equal(result.text, 'Final: 42.');
  assert.equal(textOf(events), 'Final: 42.');
  assert.ok(events.some((e) => e.type === 'thinking' && e.text === 'I will look first.'), 'commentary is shown as thinking');
});

test('codex: unknown item types never make text disappear', () => {
  const { result } = replay('codex', [
    started,
    message('item_0', 'Answer before an unknown item.'),
    line({ type: 'item.started', item: { id: 'item_1', type: 'brand_new_item', status: 'in_progress' } }),
    line({ type: 'item.completed', item: { id: 'item_1', type: 'brand_new_item', status: 'completed' } }),
    completed,
  ]);
  assert.equal(result.text, 'Answer before an unknown item.');
});

test('codex: a failed turn does not present narration as its answer', () => {
  const { result } = replay('codex', [started, message('item_0', 'Checking.'), ...command('item_1'), '{"type":"turn.failed","error":{"message":"boom"}}'], { exitCode: 1 });
  assert.equal(result.isError, true);
  assert.equal(result.errorMessage, 'boom');
});
