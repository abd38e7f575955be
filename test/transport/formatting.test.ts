import assert from 'node:assert/strict';
import { test } from 'node:test';
import { extractButtons, truncateUtf8 } from '../../src/workers/transport/button-markers.js';
import { htmlToPlainText, markdownToTelegramHtml } from '../../src/workers/transport/markdown-to-html.js';
import { splitPlainText, splitTelegramHtml } from '../../src/workers/transport/split-message.js';
import { parseTelegramHtml } from '../helpers/fake-telegram.js';

function assertValidHtml(html: string): string {
  const parsed = parseTelegramHtml(html);
  assert.ok('text' in parsed, `Telegram would refuse: ${'error' in parsed ? parsed.error : ''}\n${html.slice(0, 300)}`);
  return parsed.text;
}

test('converts CLI Markdown to Telegram HTML', () => {
  const md = [
    '# Title',
    'Some **bold**, *italic*, _also italic_, ~~gone~~ and `a < b` plus [docs](https://example.com/?a=1&b=2).',
    '- first',
    '* second',
    '> quoted <tag>',
    '> more',
    '---',
    'snake_case_name stays & fine',
  ].join('\n');
  const html = markdownToTelegramHtml(md);
  assert.equal(
    html,
    [
      '<b>Title</b>',
      'Some <b>bold</b>, <i>italic</i>, <i>also italic</i>, <s>gone</s> and <code>a &lt; b</code> plus <a href="https://example.com/?a=1&amp;b=2">docs</a>.',
      '• first',
      '• second',
      '<blockquote>quoted &lt;tag&gt;\nmore</blockquote>',
      '———',
      'snake_case_name stays &amp; fine',
    ].join('\n'),
  );
  assertValidHtml(html);
});

test('code fences keep their language and content; an unclosed fence runs to the end', () => {
  const html = markdownToTelegramHtml('Before\n```ts\nconst x = a < b && **c**;\n```\nAfter *it*');
  assert.equal(html, 'Before\n<pre><code class="language-ts">const x = a &lt; b &amp;&amp; **c**;</code></pre>\nAfter <i>it</i>');
  const open = markdownToTelegramHtml('Streaming\n```python\nprint("hi")\n');
  assert.equal(open, 'Streaming\n<pre><code class="language-python">print("hi")\n</code></pre>');
  assertValidHtml(open);
});

test('tables become an aligned monospace block and mismatched emphasis stays literal', () => {
  const html = markdownToTelegramHtml('| Name | Qty |\n|---|---|\n| apple | 3 |\n| kiwi | `12` |');
  assert.equal(html, '<pre>Name   Qty\n──────────\napple  3\nkiwi   12</pre>');
  const odd = markdownToTelegramHtml('**a *b** c*');
  assertValidHtml(odd);
  assert.equal(htmlToPlainText(markdownToTelegramHtml('x &amp; <y> **z**')), 'x &amp; <y> z');
});

test('a 9,000-character reply splits into three valid messages that keep every character', () => {
  const paragraph = 'This is a sentence about streaming output. '.repeat(10).trim();
  let md = '';
  let i = 0;
  while (md.length < 9_000) md += `**Part ${i++}** ${paragraph}\n\n`;
  md = md.slice(0, 9_000);
  const chunks = splitTelegramHtml(markdownToTelegramHtml(md));
  assert.equal(chunks.length, 3);
  const visible = chunks.map((c) => {
    assert.ok(c.length <= 4096);
    return assertValidHtml(c);
  });
  const original = htmlToPlainText(markdownToTelegramHtml(md)).replace(/\s+/g, ' ').trim();
  assert.equal(visible.join(' ').replace(/\s+/g, ' ').trim(), original);
});

test('a long code block is split inside the block with the tags closed and reopened', () => {
  const code = Array.from({ length: 400 }, (_, n) => `line ${n}: value = compute(${n}) & more`).join('\n');
  const html = markdownToTelegramHtml(`Intro\n\n\`\`\`js\n${code}\n\`\`\`\n\nOutro`);
  const chunks = splitTelegramHtml(html);
  assert.ok(chunks.length >= 4);
  for (const chunk of chunks) {
    assert.ok(chunk.length <= 4096);
    assertValidHtml(chunk);
  }
  assert.ok(chunks[1]?.startsWith('<pre><code class="language-js">'));
  // Cuts land on line ends, so no code line is torn in two.
  const lines = chunks.flatMap((c) => htmlToPlainText(c).split('\n')).filter((l) => l.startsWith('line '));
  assert.equal(lines.length, 400);
  assert.ok(lines.every((l) => /^line \d+: value = compute\(\d+\) & more$/.test(l)));
});

test('oversized words are hard-cut and nested tags survive every cut', () => {
  const html = `<b><i>${'x'.repeat(10_000)}</i></b>`;
  const chunks = splitTelegramHtml(html, 4096);
  assert.equal(chunks.length, 3);
  for (const chunk of chunks) {
    assert.ok(chunk.length <= 4096);
    assert.match(chunk, /^<b><i>x+<\/i><\/b>$/);
  }
  assert.equal(chunks.map((c) => htmlToPlainText(c)).join('').length, 10_000);
  const plain = splitPlainText(`${'a'.repeat(3000)}\n${'b'.repeat(3000)}`, 4096);
  assert.deepEqual(plain, ['a'.repeat(3000), 'b'.repeat(3000)]);
  assert.deepEqual(splitTelegramHtml('short &amp; sweet'), ['short &amp; sweet']);
});

test('button markers become keyboard rows, code keeps its markers, data fits 64 bytes', () => {
  const long = 'Ü'.repeat(40);
  const { text, keyboard } = extractButtons(
    `Pick one:\n[button:Yes] [button:No]\n\n\n\nOr [button:${long}]\n\`[button:literal]\`\n\`\`\`\n[button:in code]\n\`\`\``,
  );
  assert.deepEqual(keyboard?.inline_keyboard, [
    [{ text: 'Yes', callback_data: 'Yes' }, { text: 'No', callback_data: 'No' }],
    [{ text: long, callback_data: truncateUtf8(long, 64) }],
  ]);
  assert.equal(new TextEncoder().encode(keyboard?.inline_keyboard[1]?.[0]?.callback_data).length, 64);
  assert.equal(text, 'Pick one:\n\nOr\n`[button:literal]`\n```\n[button:in code]\n```');
  assert.deepEqual(extractButtons('no buttons here'), { text: 'no buttons here', keyboard: undefined });
});
