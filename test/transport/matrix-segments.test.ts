/** What a Matrix answer still sends after its streamed segments, in this run and after a restart. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { remainderAfter, SegmentBuffer, shownMark } from '../../src/workers/transport/matrix/segments.js';

const streamed = ['Part one, a paragraph.\n\n', '\n\nPart two, a paragraph.\n\n', '\n\nPart three.'];
const final = 'Part one, a paragraph.\n\nPart two, a paragraph.\n\nPart three. The end.';

test('the final text spaced unlike the stream: only the rest after the segments is sent', () => {
  const buffer = new SegmentBuffer(10, 2000);
  const segments = streamed.flatMap((delta) => buffer.pushSegments(delta));
  assert.deepEqual(segments.map((s) => s.text), ['Part one, a paragraph.', 'Part two, a paragraph.']);
  assert.equal(buffer.remainder(final), 'Part three. The end.');
});

test('after a restart the recorded mark of the segments finds the rest of the final text', () => {
  const buffer = new SegmentBuffer(10, 2000);
  const segments = streamed.flatMap((delta) => buffer.pushSegments(delta));
  const mark = shownMark(segments.at(-1)!.shown);
  assert.equal(remainderAfter(final, mark.chars, mark.digest), 'Part three. The end.');
  // A final the agent rewrote does not begin with what the segments showed: all of it is sent.
  const rewritten = 'Another answer altogether, longer than the parts were.';
  assert.equal(remainderAfter(rewritten, mark.chars, mark.digest), rewritten);
  assert.equal(remainderAfter('Part one', mark.chars, mark.digest), 'Part one');
});
