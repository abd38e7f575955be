import { test } from 'node:test';
import assert from 'node:assert/strict';
import { JsonLineSplitter } from '../../src/workers/agent/providers/jsonl-batch.js';
import { LineSplitter } from '../../src/workers/agent/providers/jsonl-lines.js';
import { parseJsonObject } from '../../src/workers/agent/providers/json-fields.js';
import { createParser } from '../../src/workers/agent/providers/provider.js';
import type { NormalizedEvent, ProviderName } from '../../src/workers/agent/providers/events.js';
import { fixtureFiles, rawLines } from './replay.js';

type Item = ['object', unknown] | ['noise', string];
type Delivered = { items: Item[]; batched: number };

/** What a parser ends up with from JsonLineSplitter: each line as an object or as noise. */
function viaBatches(chunks: Buffer[]): Delivered {
  const items: Item[] = [];
  let batched = 0;
  const splitter = new JsonLineSplitter({
    onObject: (msg) => {
      batched++;
      items.push(['object', msg]);
    },
    onLine: (line) => {
      const msg = parseJsonObject(line);
      items.push(msg === null ? ['noise', line] : ['object', msg]);
    },
  });
  for (const chunk of chunks) splitter.push(chunk);
  splitter.end();
  return { items, batched };
}

/** The same through the plain one-line path, as the reference. */
function viaLines(chunks: Buffer[]): Item[] {
  const items: Item[] = [];
  const splitter = new LineSplitter((line) => {
    const msg = parseJsonObject(line);
    items.push(msg === null ? ['noise', line] : ['object', msg]);
  });
  for (const chunk of chunks) splitter.push(chunk);
  splitter.end();
  return items;
}

function cutEvery(bytes: Buffer, size: number): Buffer[] {
  const chunks: Buffer[] = [];
  for (let i = 0; i < bytes.length; i += size) chunks.push(bytes.subarray(i, i + size));
  return chunks;
}

const MIXED = [
  '{"type":"a","n":1}',
  '{"type":"b","text":"plain ascii"}',
  '{"type":"c","text":"Привет 世界 👩‍💻 é"}',
  'Reading prompt from stdin...',
  '',
  '{"type":"d","list":[1,2,{"x":null}]}\r',
  '   {"type":"indented"}',
  '[1,2,3]',
  '{"type":"broken",',
  '{"a":1},{"b":2}',
  '{"type":"escaped","text":"caf\\u00e9 \\ud83d\\udc4b \\u001b[32m"}',
  '{"type":"e","n":2}',
  '{"type":"f","n":3}',
].join('\n');

test('hands over what the one-line path does, at every chunk cut, with batches actually used', () => {
  const bytes = Buffer.from(`${MIXED}\n${MIXED}`);
  const expected = viaLines([bytes]);
  assert.equal(expected.filter(([kind]) => kind === 'object').length, 16);
  for (let cut = 1; cut < bytes.length; cut++) {
    const got = viaBatches([bytes.subarray(0, cut), bytes.subarray(cut)]);
    assert.deepEqual(got.items, expected, `cut at byte ${cut}`);
  }
  for (const size of [1, 7, 64]) assert.deepEqual(viaBatches(cutEvery(bytes, size)).items, expected, `chunks of ${size} bytes`);
  const whole = viaBatches([bytes]);
  assert.deepEqual(whole.items, expected);
  assert.ok(whole.batched > 0);
});

test('ASCII lines on both sides of a line with other bytes are still parsed in batches', () => {
  const ascii = (i: number) => `{"type":"n","i":${i}}`;
  const lines = [...Array.from({ length: 10 }, (_, i) => ascii(i)), '{"type":"u","text":"ü✅"}', ...Array.from({ length: 10 }, (_, i) => ascii(i + 10))];
  const got = viaBatches([Buffer.from(`${lines.join('\n')}\n`)]);
  assert.deepEqual(got.items, lines.map((l) => ['object', JSON.parse(l)]));
  assert.ok(got.batched >= 16, `batched ${got.batched} of 20`);
});

test('a line holding two objects sends its neighbours through the one-line path, none lost or merged', () => {
  const bytes = Buffer.from('{"n":1}\n{"n":2},{"n":3}\n{"n":4}\n');
  const got = viaBatches([bytes]);
  assert.deepEqual(got.items, [['object', { n: 1 }], ['noise', '{"n":2},{"n":3}'], ['object', { n: 4 }]]);
  assert.equal(got.batched, 0);
});

test('lines that pair up into one object across a line end are still two bad lines', () => {
  const bytes = Buffer.from('{"a":[{}\n{}]}\n{"ok":true}\n');
  assert.deepEqual(viaBatches([bytes]).items, viaLines([bytes]));
  assert.deepEqual(viaBatches([bytes]).items.map(([kind]) => kind), ['noise', 'noise', 'object']);
});

test('a chunk far larger than one batch keeps every object, in order', () => {
  const lines = Array.from({ length: 5000 }, (_, i) => JSON.stringify({ type: 'n', i, pad: 'x'.repeat(i % 90), t: i % 97 === 0 ? 'ü✅' : 'a' }));
  const bytes = Buffer.from(`${lines.join('\n')}\n`);
  assert.ok(bytes.length > 4 * 64 * 1024);
  const got = viaBatches([bytes]);
  assert.deepEqual(got.items, lines.map((l) => ['object', JSON.parse(l)]));
  assert.ok(got.batched > 4000, `batched ${got.batched}`);
});

test('a line longer than a batch, inside one chunk with others, comes whole', () => {
  const long = JSON.stringify({ type: 'long', text: 'y'.repeat(300 * 1024) });
  const lines = ['{"n":1}', '{"n":2}', long, '{"n":3}', long, long, '{"n":4}'];
  const got = viaBatches([Buffer.from(`${lines.join('\n')}\n`)]);
  assert.deepEqual(got.items, lines.map((l) => ['object', JSON.parse(l)]));
});

/** Every fixture through the parser twice: line by line, and as a byte stream cut into uneven chunks. */
for (const cli of ['claude', 'codex', 'gemini'] as const satisfies readonly ProviderName[]) {
  test(`${cli}: every transcript gives the same events and result through batches as line by line`, () => {
    for (const file of fixtureFiles(cli)) {
      const lines = rawLines(cli, file);
      const bytes = Buffer.from(`${lines.join('\n')}\n`);
      const end = { reason: 'exit', exitCode: 0, signal: null, stderrTail: '' } as const;
      const oneByOne: NormalizedEvent[] = [];
      const lineParser = createParser({ provider: cli }, { emit: (e) => oneByOne.push(e) });
      for (const line of lines) lineParser.parseLine(line);
      const expected = lineParser.finish(end);
      for (const size of [997, 64 * 1024]) {
        const batched: NormalizedEvent[] = [];
        const parser = createParser({ provider: cli }, { emit: (e) => batched.push(e) });
        const splitter = new JsonLineSplitter({ onObject: (msg) => parser.parseObject(msg), onLine: (line) => parser.parseLine(line) });
        for (const chunk of cutEvery(bytes, size)) splitter.push(chunk);
        splitter.end();
        assert.deepEqual(batched, oneByOne, `${file}, chunks of ${size}`);
        assert.deepEqual(parser.finish(end), expected, `${file}, chunks of ${size}`);
      }
    }
  });
}
