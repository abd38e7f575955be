import { test } from 'node:test';
import assert from 'node:assert/strict';
import { LineSplitter } from '../../src/workers/agent/providers/jsonl-lines.js';

function split(chunks: Buffer[], options?: ConstructorParameters<typeof LineSplitter>[1]): string[] {
  const lines: string[] = [];
  const splitter = new LineSplitter((l) => lines.push(l), options);
  for (const c of chunks) splitter.push(c);
  splitter.end();
  return lines;
}

test('joins lines cut across chunks at every possible byte, multi-byte characters included', () => {
  const text = '{"t":"Привет 世界 👩‍👩‍👧 🇩🇪 é"}\n{"b":"ok"}\r\n{"c":"ü"}\n';
  const bytes = Buffer.from(text);
  const expected = ['{"t":"Привет 世界 👩‍👩‍👧 🇩🇪 é"}', '{"b":"ok"}', '{"c":"ü"}'];
  for (let cut = 1; cut < bytes.length; cut++) {
    assert.deepEqual(split([bytes.subarray(0, cut), bytes.subarray(cut)]), expected, `cut at byte ${cut}`);
  }
  // One byte at a time: every character is split.
  assert.deepEqual(split([...bytes].map((b) => Buffer.from([b]))), expected);
});

test('strips CRLF, skips blank lines and hands over a last line without newline', () => {
  assert.deepEqual(split([Buffer.from('a\r\n\r\n\nb\r\nc')]), ['a', 'b', 'c']);
});

test('keeps a 12 MB line intact across many chunks', () => {
  const big = `{"x":"${'é'.repeat(6 * 1024 * 1024)}"}`;
  const bytes = Buffer.from(`${big}\n{"y":1}\n`);
  const chunks: Buffer[] = [];
  for (let i = 0; i < bytes.length; i += 65_536) chunks.push(bytes.subarray(i, i + 65_536));
  const lines = split(chunks);
  assert.equal(lines.length, 2);
  assert.equal(lines[0], big);
  assert.equal(lines[1], '{"y":1}');
});

test('does not keep a reference to chunk memory the stream may reuse', () => {
  const lines: string[] = [];
  const splitter = new LineSplitter((l) => lines.push(l));
  const reused = Buffer.from('abc');
  splitter.push(reused);
  reused.write('XYZ');
  splitter.push(Buffer.from('\n'));
  assert.deepEqual(lines, ['abc']);
});

test('drops a line over maxLineBytes, reports its size, and goes on with the next', () => {
  const dropped: number[] = [];
  const lines = split([Buffer.from('x'.repeat(50)), Buffer.from('y'.repeat(50)), Buffer.from('\nok\n')], {
    maxLineBytes: 64,
    onOverflow: (n) => dropped.push(n),
  });
  assert.deepEqual(lines, ['ok']);
  assert.deepEqual(dropped, [100]);
});
