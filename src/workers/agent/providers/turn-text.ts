/** The answer text a parser keeps for the turn's result while the CLI streams it. */

/**
 * Appended pieces are joined into a block once they reach this many characters. V8 allocates a
 * string this large outside its young generation, so its scavenger stops copying every kept piece
 * twice (young → survivor → old); on the 20 MB codex transcript of bench/providers.ts that copying
 * fell from ~26 ms to ~4 ms per run. Short answers never reach it and are joined once, at the end.
 */
export const TEXT_BLOCK_CHARS = 128 * 1024;

export class TurnText {
  private blocks: string[] = [];
  private parts: string[] = [];
  private partChars = 0;
  private totalChars = 0;

  get isEmpty(): boolean {
    return this.totalChars === 0;
  }

  append(text: string): void {
    if (text === '') return;
    this.parts.push(text);
    this.partChars += text.length;
    this.totalChars += text.length;
    if (this.partChars >= TEXT_BLOCK_CHARS) {
      this.blocks.push(this.parts.join(''));
      this.parts = [];
      this.partChars = 0;
    }
  }

  /** Replaces everything kept so far (a result line that carries the final text). */
  set(text: string): void {
    this.blocks = [];
    this.parts = text === '' ? [] : [text];
    this.partChars = text.length;
    this.totalChars = text.length;
  }

  toString(): string {
    return this.blocks.join('') + this.parts.join('');
  }
}
