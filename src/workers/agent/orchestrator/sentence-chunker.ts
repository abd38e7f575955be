/**
 * `streaming.sentence_break`: live text leaves for the chat in whole sentences. Text is held back
 * after the last paragraph break or sentence end (`.`, `!`, `?` followed by whitespace) until the
 * sentence is complete, `max_chars` piled up, the model paused for `idle_ms`, or something else
 * (a tool, a status line, the end of the turn) forces it out. With the setting off, text passes
 * through at once. The final answer is delivered whole either way; this shapes only the live view.
 */
export type ChunkerSettings = { sentence_break: boolean; max_chars: number; idle_ms: number };

// The ellipsis and closing quotes as escapes: the bundle stays ASCII (a literal one doubles the
// agent bundle's source held in memory, see test/package/bundle-ascii.test.ts).
const SENTENCE_END = /[.!?\u2026](?:["'\u201D\u2019)\]]*)\s+/g;

/** Index just after the last paragraph break or sentence end in `text`, or 0 when there is none. */
export function lastBreak(text: string): number {
  const paragraph = text.lastIndexOf('\n\n');
  if (paragraph !== -1) return paragraph + 2;
  let end = 0;
  for (const match of text.matchAll(SENTENCE_END)) end = match.index + match[0].length;
  return end;
}

export class SentenceChunker {
  private buffer = '';
  private timer: NodeJS.Timeout | null = null;

  constructor(private readonly settings: () => ChunkerSettings, private readonly emit: (text: string) => void) {}

  push(text: string): void {
    const settings = this.settings();
    this.buffer += text;
    if (!settings.sentence_break || this.buffer.length >= settings.max_chars) return this.flush();
    const cut = lastBreak(this.buffer);
    if (cut > 0) {
      const ready = this.buffer.slice(0, cut);
      this.buffer = this.buffer.slice(cut);
      this.emit(ready);
    }
    this.restartIdle(settings.idle_ms);
  }

  /** Everything held goes out now (before a tool or status line, and at the end of the turn). */
  flush(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    if (this.buffer === '') return;
    const text = this.buffer;
    this.buffer = '';
    this.emit(text);
  }

  private restartIdle(idleMs: number): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    if (this.buffer === '') return;
    this.timer = setTimeout(() => this.flush(), idleMs);
    this.timer.unref();
  }
}
