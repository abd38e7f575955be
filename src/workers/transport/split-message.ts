// Splits long Telegram HTML (or plain text) into messages of at most 4096 characters without breaking tags.
import { TELEGRAM_TEXT_LIMIT } from './telegram-bot.js';

interface Token {
  kind: 'text' | 'open' | 'close';
  raw: string;
  /** Tag name for open/close tokens. */
  name: string;
}

interface OpenTag {
  name: string;
  raw: string;
}

/** Break quality, best first: paragraph, line, line inside code, sentence end, word, anywhere. */
const PARAGRAPH = 5;
const LINE = 4;
const CODE_LINE = 3;
const SENTENCE = 2;
const WORD = 1;
/** A break earlier than this share of the room is only taken when nothing better exists. */
const MIN_FILL = 0.3;

/**
 * Splits HTML into chunks of at most `maxLength` characters. Tags open at a cut are closed at the
 * end of the chunk and reopened (with their attributes) at the start of the next one.
 */
export function splitTelegramHtml(html: string, maxLength = TELEGRAM_TEXT_LIMIT): string[] {
  return split(tokenizeHtml(html), maxLength);
}

/** Splits text sent without parse_mode; prefers the same paragraph, line, sentence and word breaks. */
export function splitPlainText(text: string, maxLength = TELEGRAM_TEXT_LIMIT): string[] {
  return split(tokenizePlain(text), maxLength);
}

function tokenizePlain(text: string): Token[] {
  return Array.from(text, (ch) => ({ kind: 'text' as const, raw: ch, name: '' }));
}

function tokenizeHtml(html: string): Token[] {
  const tokens: Token[] = [];
  const pattern = /<(\/?)([a-zA-Z][\w-]*)[^<>]*>|&(?:[a-zA-Z]+|#\d+|#x[0-9a-fA-F]+);|[\uD800-\uDBFF][\uDC00-\uDFFF]|[\s\S]/g;
  for (const match of html.matchAll(pattern)) {
    const raw = match[0];
    if (match[2] !== undefined) tokens.push({ kind: match[1] ? 'close' : 'open', raw, name: match[2].toLowerCase() });
    else tokens.push({ kind: 'text', raw, name: '' });
  }
  return tokens;
}

function closers(stack: readonly OpenTag[]): string {
  let out = '';
  for (let i = stack.length - 1; i >= 0; i--) out += `</${stack[i]?.name ?? ''}>`;
  return out;
}

function applyTag(stack: OpenTag[], token: Token): void {
  if (token.kind === 'open') stack.push({ name: token.name, raw: token.raw });
  else if (token.kind === 'close') {
    const at = stack.map((t) => t.name).lastIndexOf(token.name);
    if (at !== -1) stack.splice(at, 1);
  }
}

function split(tokens: Token[], maxLength: number): string[] {
  const chunks: string[] = [];
  let start = 0;
  let stack: OpenTag[] = [];
  while (start < tokens.length) {
    const prefix = stack.map((t) => t.raw).join('');
    // Walk forward while the chunk, closed properly, still fits; remember every possible break.
    const walk = [...stack];
    let length = prefix.length;
    let end = start;
    let best = { at: -1, quality: -1 };
    let fallback = { at: -1, quality: -1 };
    const room = maxLength - prefix.length;
    while (end < tokens.length) {
      const token = tokens[end] as Token;
      const next = [...walk];
      applyTag(next, token);
      if (length + token.raw.length + closers(next).length > maxLength) break;
      length += token.raw.length;
      walk.splice(0, walk.length, ...next);
      end++;
      const quality = breakQuality(tokens, end, walk);
      if (quality > 0) {
        const candidate = { at: end, quality };
        if (end - start >= room * MIN_FILL) {
          if (quality >= best.quality) best = candidate;
        } else if (quality >= fallback.quality) {
          fallback = candidate;
        }
      }
    }
    let cut: number;
    if (end >= tokens.length) cut = end;
    else if (best.at !== -1) cut = best.at;
    else if (fallback.at !== -1) cut = fallback.at;
    else cut = Math.max(end, start + 1);

    const chunkStack = [...stack];
    let body = prefix;
    for (let i = start; i < cut; i++) {
      const token = tokens[i] as Token;
      applyTag(chunkStack, token);
      body += token.raw;
    }
    body += closers(chunkStack);
    if (hasVisibleText(tokens, start, cut)) chunks.push(body.replace(/\s+$/, ''));
    start = skipSeparator(tokens, cut, chunkStack);
    stack = chunkStack;
  }
  return chunks;
}

/** How good a cut just before `tokens[at]` is (0 = only a hard cut). */
function breakQuality(tokens: Token[], at: number, stack: readonly OpenTag[]): number {
  const next = tokens[at];
  if (!next || next.kind !== 'text') return 0;
  const inCode = stack.some((t) => t.name === 'pre' || t.name === 'code');
  if (next.raw === '\n') {
    if (inCode) return CODE_LINE;
    return tokens[at + 1]?.raw === '\n' ? PARAGRAPH : LINE;
  }
  if (inCode) return 0;
  if (next.raw === ' ') return /[.!?]/.test(tokens[at - 1]?.raw ?? '') ? SENTENCE : WORD;
  return 0;
}

/** The whitespace at a cut is dropped; inside code only the one newline, so indentation survives. */
function skipSeparator(tokens: Token[], at: number, stack: readonly OpenTag[]): number {
  const inCode = stack.some((t) => t.name === 'pre' || t.name === 'code');
  if (inCode) return tokens[at]?.raw === '\n' ? at + 1 : at;
  let i = at;
  while (i < tokens.length && tokens[i]?.kind === 'text' && /^\s$/.test(tokens[i]?.raw ?? '')) i++;
  return i;
}

function hasVisibleText(tokens: Token[], from: number, to: number): boolean {
  for (let i = from; i < to; i++) {
    const token = tokens[i] as Token;
    if (token.kind === 'text' && !/^\s$/.test(token.raw)) return true;
  }
  return false;
}
