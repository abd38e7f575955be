import { test } from 'node:test';
import assert from 'node:assert/strict';
import { TurnText } from '../../src/workers/agent/providers/turn-text.js';
import { replay } from './replay.js';

/** Long enough that V8 keeps the text as a rope of many pieces, and past the old 128K block size. */
const LONG_CHARS = 128 * 1024;

test('keeps appended text in order, whatever the piece sizes', () => {
  const pieces = ['a', 'é', '👩‍👩‍👧', 'x'.repeat(LONG_CHARS - 3), 'Привет', '', 'y'.repeat(2 * LONG_CHARS + 5), 'end'];
  const text = new TurnText();
  assert.equal(text.isEmpty, true);
  for (const p of pieces) text.append(p);
  assert.equal(text.isEmpty, false);
  assert.equal(text.toString(), pieces.join(''));
  assert.equal(text.toString(), pieces.join(''), 'reading twice gives the same text');
});

test('append of an empty string keeps it empty; set replaces everything kept so far', () => {
  const text = new TurnText();
  text.append('');
  assert.equal(text.isEmpty, true);
  assert.equal(text.toString(), '');
  text.append('z'.repeat(LONG_CHARS + 1));
  text.set('final');
  assert.equal(text.toString(), 'final');
  text.append(' more');
  assert.equal(text.toString(), 'final more');
  text.set('');
  assert.equal(text.isEmpty, true);
  assert.equal(text.toString(), '');
});

test('codex and gemini answers of many long pieces come out whole', () => {
  const message = (i: number) => `message ${i} ${'ж'.repeat(5000)}`;
  const count = Math.ceil((3 * LONG_CHARS) / 5000);
  const codexLines = ['{"type":"thread.started","thread_id":"t1"}'];
  for (let i = 0; i < count; i++) codexLines.push(JSON.stringify({ type: 'item.completed', item: { id: `item_${i}`, type: 'agent_message', text: message(i) } }));
  codexLines.push('{"type":"turn.completed","usage":{"input_tokens":1,"cached_input_tokens":0,"output_tokens":1}}');
  const codex = replay('codex', codexLines);
  const expected = Array.from({ length: count }, (_, i) => message(i)).join('\n');
  assert.equal(codex.result.text, expected);
  assert.equal(codex.events.flatMap((e) => (e.type === 'text_delta' ? [e.text] : [])).join(''), expected);

  const geminiLines = ['{"type":"init","session_id":"s1","model":"m"}'];
  for (let i = 0; i < count; i++) geminiLines.push(JSON.stringify({ type: 'message', role: 'assistant', content: message(i), delta: true }));
  geminiLines.push('{"type":"result","status":"success","stats":{}}');
  assert.equal(replay('gemini', geminiLines).result.text, Array.from({ length: count }, (_, i) => message(i)).join(''));
});

test('a rope of a million one-character pieces reads back whole (flattening does not recurse per piece)', () => {
  const text = new TurnText();
  for (let i = 0; i < 1_000_000; i++) text.append(i % 2 ? 'a' : 'b');
  const read = text.toString();
  assert.equal(read.length, 1_000_000);
  assert.equal(read.slice(0, 4), 'baba');
});
