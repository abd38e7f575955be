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

  get isEmpty(): boolean {
    return this.text === '';
  }

  append(piece: string): void {
    this.text += piece;
  }

  /** Replaces everything kept so far (a result line that carries the final text). */
  set(text: string): void {
    this.text = text;
  }

  toString(): string {
    return this.text;
  }
}
