/**
 * Segment-based streaming: Matrix clients render edits poorly, so a growing answer goes out as a
 * series of new messages, each cut at a paragraph break once enough text has gathered (never inside
 * a code fence). The final answer then only sends what the segments have not shown yet.
 */
import { createHash } from 'node:crypto';

export class SegmentBuffer {
  private raw = '';
  /** How many characters of `raw` went out as segments. */
  private sentUpTo = 0;

  constructor(private readonly minChars: number, private readonly maxChars: number) {}

  /** Adds streamed text; returns the segments that are ready to send now. */
  push(delta: string): string[] {
    return this.pushSegments(delta).map((s) => s.text);
  }

  /**
   * Adds streamed text; returns the segments ready to send now, each with `shown`: the streamed
   * text up to the segment's end (what the answer has shown once it is sent).
   */
  pushSegments(delta: string): Array<{ text: string; shown: string }> {
    this.raw += delta;
    const ready: Array<{ text: string; shown: string }> = [];
    for (;;) {
      const pending = this.raw.slice(this.sentUpTo);
      const cut = this.cutPoint(pending);
      if (cut === null) break;
      const segment = pending.slice(0, cut).trim();
      this.sentUpTo += cut;
      if (segment !== '') ready.push({ text: segment, shown: this.raw.slice(0, this.sentUpTo) });
    }
    return ready;
  }

  /** True once anything went out as a segment. */
  get started(): boolean {
    return this.sentUpTo > 0;
  }

  /**
   * What the final message still has to show. When the final text continues what the segments
   * showed, only its rest; when it differs (the agent rewrote the answer), all of it.
   */
  remainder(finalText: string): string {
    const shown = this.raw.slice(0, this.sentUpTo);
    if (this.sentUpTo === 0) return finalText;
    if (finalText.startsWith(shown)) return finalText.slice(this.sentUpTo).trim();
    const shownTrimmed = shown.trim();
    if (finalText.trimStart().startsWith(shownTrimmed)) return finalText.trimStart().slice(shownTrimmed.length).trim();
    const mark = shownMark(shown);
    return remainderAfter(finalText, mark.chars, mark.digest);
  }

  private cutPoint(pending: string): number | null {
    if (pending.length < this.minChars) return null;
    const limit = Math.min(pending.length, this.maxChars);
    // The last paragraph break outside a code fence within the limit.
    let best: number | null = null;
    let inFence = false;
    let index = 0;
    for (const line of pending.slice(0, limit).split('\n')) {
      const end = index + line.length;
      if (/^\s*(```|~~~)/.test(line)) inFence = !inFence;
      const next = pending[end + 1];
      if (!inFence && line.trim() === '' && end < limit && index >= this.minChars / 2 && next !== undefined) best = end + 1;
      index = end + 1;
    }
    if (best !== null) return best;
    // No paragraph break in a very long stretch: cut at the last line break to keep messages bounded.
    if (pending.length >= this.maxChars) {
      const newline = pending.lastIndexOf('\n', this.maxChars);
      return newline > 0 ? newline + 1 : this.maxChars;
    }
    return null;
  }
}

/** Splits a long text into messages of at most `max` characters at line breaks. */
export function splitForMatrix(text: string, max: number): string[] {
  const parts: string[] = [];
  let rest = text;
  while (rest.length > max) {
    let cut = rest.lastIndexOf('\n\n', max);
    if (cut < max / 2) cut = rest.lastIndexOf('\n', max);
    if (cut < max / 2) cut = max;
    parts.push(rest.slice(0, cut).trim());
    rest = rest.slice(cut);
  }
  if (rest.trim() !== '') parts.push(rest.trim());
  return parts;
}

/**
 * What segments showed, as a restarted transport compares it with the final answer: the count and
 * a digest of its characters other than whitespace (the streamed text and the final one may space
 * paragraphs differently).
 */
export function shownMark(shown: string): { chars: number; digest: string } {
  const visible = shown.replace(/\s+/g, '');
  return { chars: visible.length, digest: digestOf(visible) };
}

/**
 * What the final answer still has to show after segments marked `shownMark(shown)`: the rest
 * after them when the final begins with that text, else all of it.
 */
export function remainderAfter(finalText: string, chars: number, digest: string): string {
  if (chars === 0) return finalText;
  let seen = 0;
  let end = 0;
  while (end < finalText.length && seen < chars) {
    if (!/\s/.test(finalText[end]!)) seen += 1;
    end += 1;
  }
  if (seen < chars || digestOf(finalText.slice(0, end).replace(/\s+/g, '')) !== digest) return finalText;
  return finalText.slice(end).trim();
}

function digestOf(text: string): string {
  return createHash('sha256').update(text).digest('base64url');
}
