/** Splits a byte stream into text lines: partial lines across chunks, CRLF, very long lines. */

/** Lines longer than this are dropped whole (reported through onOverflow) instead of growing memory. */
export const DEFAULT_MAX_LINE_BYTES = 64 * 1024 * 1024;

const LF = 0x0a;
const CR = 0x0d;

export type LineSplitterOptions = {
  maxLineBytes?: number;
  onOverflow?: (droppedBytes: number) => void;
};

/**
 * Works on bytes and decodes each complete line once. A UTF-8 multi-byte sequence never contains
 * 0x0A, so cutting at LF bytes cannot split a character; a character split between two chunks is
 * rejoined in the pending parts before it is decoded.
 */
export class LineSplitter {
  private pending: Buffer[] = [];
  private pendingBytes = 0;
  private overflowing = false;
  private readonly maxLineBytes: number;

  constructor(
    private readonly onLine: (line: string) => void,
    private readonly options: LineSplitterOptions = {},
  ) {
    this.maxLineBytes = options.maxLineBytes ?? DEFAULT_MAX_LINE_BYTES;
  }

  push(chunk: Buffer): void {
    let start = 0;
    if (this.pendingBytes > 0 || this.overflowing) {
      const nl = chunk.indexOf(LF);
      if (nl === -1) {
        this.keep(chunk);
        return;
      }
      this.keep(chunk.subarray(0, nl));
      this.flushPending();
      start = nl + 1;
    }
    const last = chunk.lastIndexOf(LF);
    if (last >= start) this.emitLines(chunk, start, last + 1);
    const tail = Math.max(start, last + 1);
    if (tail < chunk.length) this.keep(chunk.subarray(tail));
  }

  /** Hands over the complete lines of `buf` in [from, to): each ends with LF, `to` is just past the last. */
  protected emitLines(buf: Buffer, from: number, to: number): void {
    let start = from;
    while (start < to) {
      const nl = buf.indexOf(LF, start);
      this.emit(buf, start, nl);
      start = nl + 1;
    }
  }

  /** Hands over a last line that had no trailing newline (a CLI killed mid-line). */
  end(): void {
    if (this.pendingBytes > 0 || this.overflowing) this.flushPending();
  }

  private keep(part: Buffer): void {
    if (this.overflowing) {
      this.pendingBytes += part.length;
      return;
    }
    if (this.pendingBytes + part.length > this.maxLineBytes) {
      this.overflowing = true;
      this.pending = [];
      this.pendingBytes += part.length;
      return;
    }
    // Copy: the stream may reuse the chunk's memory after we return.
    this.pending.push(Buffer.from(part));
    this.pendingBytes += part.length;
  }

  private flushPending(): void {
    if (this.overflowing) {
      const dropped = this.pendingBytes;
      this.overflowing = false;
      this.pending = [];
      this.pendingBytes = 0;
      this.options.onOverflow?.(dropped);
      return;
    }
    const joined = this.pending.length === 1 ? this.pending[0]! : Buffer.concat(this.pending, this.pendingBytes);
    this.pending = [];
    this.pendingBytes = 0;
    this.emit(joined, 0, joined.length);
  }

  /** Hands over one line, buf[start, end) without its LF, decoded as UTF-8. */
  protected emit(buf: Buffer, start: number, end: number): void {
    if (end > start && buf[end - 1] === CR) end -= 1;
    if (end <= start) return;
    this.onLine(buf.toString('utf8', start, end));
  }
}
