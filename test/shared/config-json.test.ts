import assert from 'node:assert/strict';
import { test } from 'node:test';
import { findJsonSyntaxProblem } from '../../src/shared/config/json-position.js';

test('valid JSON has no problem, BOM included', () => {
  assert.equal(findJsonSyntaxProblem('{"a": [1, -2.5e3, "x\\n", true, null, {}]}'), null);
  assert.equal(findJsonSyntaxProblem('\ufeff{"a": 1}'), null);
});

test('each syntax error is located by line and column with a reason', () => {
  const cases: [string, number, number, RegExp][] = [
    ['{\n  "a": tru\n}', 2, 8, /expected true, found "tru"/],
    ['{\n  "a": 1\n  "b": 2\n}', 3, 3, /expected "," or "}"/],
    ['{a: 1}', 1, 2, /key in double quotes/],
    ['{"a": [1, 2,]}', 1, 13, /trailing comma before "\]"/],
    ['{"a": "x\ny"}', 1, 9, /control character/],
    ['{"a": 1}}', 1, 9, /after the end/],
    ['   ', 1, 1, /empty/],
    ['{"a": ', 1, 7, /found the end of the file/],
  ];
  for (const [text, line, column, reason] of cases) {
    const problem = findJsonSyntaxProblem(text);
    assert.ok(problem, text);
    assert.equal(problem.line, line, text);
    assert.equal(problem.column, column, text);
    assert.match(problem.reason, reason, text);
    assert.throws(() => JSON.parse(text), SyntaxError, 'the scanner agrees with JSON.parse');
  }
});
