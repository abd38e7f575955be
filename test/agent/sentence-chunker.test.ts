/** `streaming.sentence_break`: the live view gets whole sentences. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { lastBreak, SentenceChunker } from '../../src/workers/agent/orchestrator/sentence-chunker.js';
import { waitFor } from '../helpers/wait-for.js';

test('with sentence_break text is released at sentence and paragraph ends; the rest after idle_ms or a flush', async () => {
  const out: string[] = [];
  const chunker = new SentenceChunker(() => ({ sentence_break: true, max_chars: 4000, idle_ms: 60_000 }), (t) => out.push(t));
  chunker.push('Hello wor');
  chunker.push('ld. This is');
  assert.deepEqual(out, ['Hello world. ']);
  chunker.push(' done!\n\nNext para');
  assert.deepEqual(out, ['Hello world. ', 'This is done!\n\n']);
  chunker.flush();
  assert.deepEqual(out, ['Hello world. ', 'This is done!\n\n', 'Next para']);
  const idle: string[] = [];
  const quick = new SentenceChunker(() => ({ sentence_break: true, max_chars: 4000, idle_ms: 20 }), (t) => idle.push(t));
  quick.push('no end yet');
  assert.deepEqual(idle, []);
  await waitFor(() => idle.length === 1);
  assert.deepEqual(idle, ['no end yet']);
});

test('without sentence_break, or past max_chars, text passes at once', () => {
  const out: string[] = [];
  const off = new SentenceChunker(() => ({ sentence_break: false, max_chars: 4000, idle_ms: 800 }), (t) => out.push(t));
  off.push('half a sen');
  assert.deepEqual(out, ['half a sen']);
  const big: string[] = [];
  const capped = new SentenceChunker(() => ({ sentence_break: true, max_chars: 10, idle_ms: 60_000 }), (t) => big.push(t));
  capped.push('abcdefghijkl');
  assert.deepEqual(big, ['abcdefghijkl']);
});

test('a decimal point or a version number is not a sentence end', () => {
  assert.equal(lastBreak('Version 1.2 is out'), 0);
  assert.equal(lastBreak('It costs 3.50. Then'), 'It costs 3.50. '.length);
  assert.equal(lastBreak('“Quoted.” Then'), '“Quoted.” '.length);
});
