/**
 * The byte offset where each line of a catalogue file starts, found while its bytes stream past
 * on their way to the CSV reader. The reader numbers lines the same way (CRLF, LF and a lone CR
 * end one line each), and every record it gives starts at the start of its line, so the offset of
 * a record's line is where a reader started on the rest of the file begins.
 *
 * Only the lines the reader has not passed yet are kept (`release`): the scan runs at most the
 * reader's read-ahead in front of it.
 */
export class LineStarts {
  /** Offsets of lines `base`, `base + 1`, ... not released yet. */
  private starts: number[] = [0];
  private base = 1;
  private first = 0;
  private offset = 0;
  /** Set after a CR: the start of the line after it, unless an LF follows (then one later). */
  private afterCr: number | undefined;
  /** 0 until known; 1 for single-byte line ends, 2 for UTF-16 (then `bigEndian` says which). */
  private unit = 0;
  private bigEndian = false;
  private carry: number | undefined;

  /** Scans the next bytes of the file. */
  scan(chunk: Uint8Array): void {
    let bytes = chunk;
    let at = 0;
    if (this.unit === 0) {
      // A UTF-16 file is told by its byte-order mark: wait for its two bytes.
      if (this.carry !== undefined) {
        bytes = new Uint8Array([this.carry, ...chunk]);
        this.carry = undefined;
      }
      if (bytes.length < 2) {
        this.carry = bytes[0];
        return;
      }
      this.unit = 1;
      if (bytes[0] === 0xff && bytes[1] === 0xfe) this.unit = 2;
      if (bytes[0] === 0xfe && bytes[1] === 0xff) {
        this.unit = 2;
        this.bigEndian = true;
      }
    }
    if (this.unit === 1) {
      for (; at < bytes.length; at++) this.code(bytes[at] as number, 1);
      return;
    }
    if (this.carry !== undefined) {
      this.code(this.unitOf(this.carry, bytes[0] as number), 2);
      this.carry = undefined;
      at = 1;
    }
    for (; at + 1 < bytes.length; at += 2) {
      this.code(this.unitOf(bytes[at] as number, bytes[at + 1] as number), 2);
    }
    if (at < bytes.length) this.carry = bytes[at];
  }

  /** The offset of line `line`; it must be scanned and not released. */
  offsetOf(line: number): number {
    const start = this.starts[line - this.base];
    if (start === undefined) throw new RangeError(`line ${line} is not known here`);
    return start;
  }

  /** Forgets the lines before `line`: the reader is past them. */
  release(line: number): void {
    this.first = Math.max(this.first, Math.min(line - this.base, this.starts.length));
    if (this.first > 1024 && this.first * 2 > this.starts.length) {
      this.starts = this.starts.slice(this.first);
      this.base += this.first;
      this.first = 0;
    }
  }

  private unitOf(a: number, b: number): number {
    return this.bigEndian ? (a << 8) | b : (b << 8) | a;
  }

  private code(code: number, size: number): void {
    this.offset += size;
    if (this.afterCr !== undefined) {
      const start = this.afterCr;
      this.afterCr = undefined;
      if (code === 10) {
        this.starts.push(this.offset);
        return;
      }
      this.starts.push(start);
    }
    if (code === 10) this.starts.push(this.offset);
    else if (code === 13) this.afterCr = this.offset;
  }
}
