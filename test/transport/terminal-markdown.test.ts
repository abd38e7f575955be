/** `ductor chat` shows Markdown rendered for a terminal and buttons as numbered choices. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { numberedChoices, renderTerminal } from '../../src/workers/transport/terminal-markdown.js';

test('markdown becomes terminal text: bold, code, bullets, links; fences and button markers go', () => {
  const out = renderTerminal('# Title\nSome **bold** and `code`.\n- one\n- [docs](https://x.dev)\n```js\nlet a = 1;\n```\n[button:Yes] [button:No]');
  assert.equal(out, '\x1b[1mTitle\x1b[0m\nSome \x1b[1mbold\x1b[0m and \x1b[36mcode\x1b[0m.\n• one\n• docs (https://x.dev)\n\x1b[36mlet a = 1;\x1b[0m');
  assert.equal(numberedChoices(['Yes', 'No']), '  1) Yes\n  2) No');
});
