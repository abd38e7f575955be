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
    // A line assembled from parts (the /agents status line).
    String.raw`\bparts\.push\(\s*`,
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

/**
 * The provider layer words the failures a chat shows ("timed out after …", "rate limited", the
 * login hints) and the status events the chat labels. Every literal there that reads as prose
 * must come from the catalogue, except what is for the CLI or the terminal rather than the chat.
 */
const NOT_FOR_THE_CHAT: Record<string, RegExp> = {
  // Answers to the CLI's permission requests: the model reads them, in the language it works in.
  'approvals.ts': /^(The user denied this tool call\.|ductor does not handle |No answer from the user in )/,
  // How a login was found: for `ductor onboarding`'s terminal lines.
  'auth.ts': /^(credentials file|claude auth status|config gemini_api_key)$/,
  // Commands to type, the same in every language.
  'failure-text.ts': /^npm install -g /,
  // The detail of a status event: the chat shows the status's label only.
  'claude-parser.ts': /^api error$/,
};

function proseLiterals(file: string): { line: number; literal: string }[] {
  const found: { line: number; literal: string }[] = [];
  readFileSync(file, 'utf8').split('\n').forEach((text, index) => {
    const trimmed = text.trim();
    if (/^(\/\/|\*|\/\*|import )/.test(trimmed) || /\b(?:log|debug)\??\.?\w*\(|new Error\(|throw /.test(text)) return;
    for (const match of text.matchAll(/(['\x60])((?:\\.|(?!\1)[^\\\n])*)\1/g)) {
      const bare = (match[2] ?? '').replace(/\$\{[^}]*\}/g, ' ');
      if (/[A-Za-z]{3,}/.test(bare) && /[A-Za-z]{2,}[ ,;:]+[A-Za-z]{2,}/.test(bare)) found.push({ line: index + 1, literal: match[2]! });
    }
  });
  return found;
}

test('the provider layer\'s failure texts and status events come from the catalogue', () => {
  const found: string[] = [];
  for (const file of sources(join(root, 'src/workers/agent/providers'))) {
    const name = file.split('/').at(-1)!;
    for (const { line, literal } of proseLiterals(file)) {
      if (NOT_FOR_THE_CHAT[name]?.test(literal)) continue;
      found.push(`${relative(root, file)}:${line}: ${literal.slice(0, 60)}`);
    }
  }
  assert.deepEqual(found, []);
});

/** Prompts to the model (its own language), not texts a chat user reads. */
const PROMPTS_TO_THE_MODEL = new Set(['src/workers/agent/delegation/delegation.ts', 'src/workers/agent/tasks/task-hub.ts']);

test('a fallback shown when there is nothing else (`text || \'(no output)\'`) comes from the catalogue', () => {
  const found: string[] = [];
  for (const file of sources(join(root, 'src/workers'))) {
    const rel = relative(root, file);
    if (PROMPTS_TO_THE_MODEL.has(rel)) continue;
    const code = readFileSync(file, 'utf8');
    // Words with a space between them: a phrase, not a file name or a default id.
    for (const match of code.matchAll(/\|\|\s*(['\x60])([^'\x60\n]*[A-Za-z]{2,} [A-Za-z]{2,}[^'\x60\n]*)\1/g)) {
      found.push(`${rel}:${code.slice(0, match.index).split('\n').length}: ${match[2]!.slice(0, 60)}`);
    }
  }
  assert.deepEqual(found, []);
});
