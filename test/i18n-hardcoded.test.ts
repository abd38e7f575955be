/**
 * Every text a chat user reads comes from the catalogue (src/shared/i18n): a string literal with
 * words in a user-facing position (a message's `text`, a button's `label`, a `plainText`
 * fallback, a reply) anywhere in the workers fails this test. (The supervisor's own lines go to
 * the terminal that started it.)
 */
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { test } from 'node:test';

const root = new URL('..', import.meta.url).pathname;

function sources(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const full = join(dir, name);
    if (statSync(full).isDirectory()) return sources(full);
    return name.endsWith('.ts') ? [full] : [];
  });
}

/** `text: '…'`, `label: \`…\``, `reply('…')`, `plain('…')`, `sendNotice(ctx, chat, '…')`: the literal right after. */
const POSITIONS = new RegExp(
  [
    String.raw`\b(?:text|label|plainText|caption)\s*:\s*`,
    String.raw`\b(?:reply|notifyPrimary|plain|say)\(\s*`,
    String.raw`\bsendText\([^,()]+,\s*`,
    String.raw`\bsendNotice\([^,()]+,[^,()]+,\s*`,
  ].map((p) => `(?:${p})`).join('|').replace(/^/, '(?:').concat(String.raw`)(['\x60])((?:\\.|(?!\1)[^\\])*)\1`),
  'g',
);

/** Words outside `${…}` placeholders: three letters or more, as a sentence would have. */
function hasWords(literal: string): boolean {
  const bare = literal.replace(/\$\{[^}]*\}/g, ' ');
  return /[A-Za-z]{3,}/.test(bare);
}

test('no hard-coded user-facing string in the workers', () => {
  const found: string[] = [];
  for (const file of sources(join(root, 'src/workers'))) {
    const code = readFileSync(file, 'utf8');
    for (const match of code.matchAll(POSITIONS)) {
      const literal = match[2] ?? '';
      if (!hasWords(literal)) continue;
      const line = code.slice(0, match.index).split('\n').length;
      found.push(`${relative(root, file)}:${line}: ${literal.slice(0, 60)}`);
    }
  }
  assert.deepEqual(found, []);
});

test('the supervisor\'s notices to a chat come from the catalogue too', () => {
  const NOTICE = /\b(?:notify|text)\(\s*[^,()]+,\s*(['\x60])((?:\\.|(?!\1)[^\\])*)\1|\bconst text = (['\x60])((?:\\.|(?!\3)[^\\])*)\3/g;
  const found: string[] = [];
  for (const file of sources(join(root, 'src/supervisor'))) {
    const code = readFileSync(file, 'utf8');
    for (const match of code.matchAll(NOTICE)) {
      const literal = match[2] ?? match[4] ?? '';
      if (!hasWords(literal)) continue;
      found.push(`${relative(root, file)}:${code.slice(0, match.index).split('\n').length}: ${literal.slice(0, 60)}`);
    }
  }
  assert.deepEqual(found, []);
});
