/**
 * Splits a byte stream into `\n`-terminated lines without copying: the callback gets the
 * chunk and the line's [start, end) (end excludes the `\n`). A line that spans chunks is
 * copied once into a carry buffer. Memory is bounded by the chunk size plus the longest line.
 */

export type LineCallback = (buf: Buffer, start: number, end: number, offset: number) => void;

export class LineSplitter {
  #carry: Buffer | undefined;
  /** Byte offset in the stream of the first byte not yet delivered. */
  #offset = 0;

  push(chunk: Buffer, onLine: LineCallback): void {
    let buf = chunk;
    let base = this.#offset;
    if (this.#carry) {
      const nl = chunk.indexOf(0x0a);
      if (nl < 0) {
        this.#carry = Buffer.concat([this.#carry, chunk]);
        return;
      }
      const line = Buffer.concat([this.#carry, chunk.subarray(0, nl)]);
      this.#carry = undefined;
      onLine(line, 0, line.length, base);
      base += line.length + 1;
      buf = chunk.subarray(nl + 1);
    }
    let start = 0;
    for (;;) {
      const nl = buf.indexOf(0x0a, start);
      if (nl < 0) break;
      onLine(buf, start, nl, base + start);
      start = nl + 1;
    }
    this.#offset = base + start;
    if (start < buf.length) this.#carry = Buffer.from(buf.subarray(start));
  }

  /** Delivers a final line that had no trailing newline. */
  end(onLine: LineCallback): void {
    if (this.#carry && this.#carry.length > 0) onLine(this.#carry, 0, this.#carry.length, this.#offset);
    this.#carry = undefined;
  }
}
