/** The answer text a parser keeps for the turn's result while the CLI streams it. */

/**
 * Pieces are joined with `+`, which V8 turns into a rope (a ConsString pointing at both halves)
 * instead of copying; the rope is flattened once, when the result is read. On the 20 MB codex
 * transcript of bench/providers.ts this was ~8 % faster than collecting pieces in an array and
 * joining them into 128K blocks (measured with interleaved runs; the blocks' joins copy every
 * piece once more).
 */
export class TurnText {
  private text = '';
  /** A tool ran since the last text: the next text starts a new paragraph. */
  private breakPending = false;

  get isEmpty(): boolean {
    return this.text === '';
  }

  append(piece: string): void {
    this.text += piece;
  }

  /** A tool call or its result came between two texts; they are separated by a blank line. */
  breakBlock(): void {
    if (this.text !== '') this.breakPending = true;
  }

  /**
   * Appends one streamed piece and returns it as the delta to emit, led by the separator it needs:
   * a blank line after a tool, else `joiner` between messages. Every parser streams exactly what it
   * keeps, so the final text is the streamed text.
   */
  appendDelta(piece: string, joiner = ''): string {
    const separator = this.text === '' ? '' : this.breakPending ? '\n\n' : joiner;
    this.breakPending = false;
    const delta = separator + piece;
    this.text += delta;
    return delta;
  }

  /** Replaces everything kept so far (a result line that carries the final text). */
  set(text: string): void {
    this.text = text;
  }

  toString(): string {
    return this.text;
  }
}
