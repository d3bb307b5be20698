/**
 * The bytes of a catalogue file as text, whatever encoding a spreadsheet saved it in.
 *
 * - A byte-order mark decides: UTF-8, UTF-16 LE or UTF-16 BE (Excel's "Unicode text").
 * - Without one, the first byte that is not ASCII decides: if it starts a valid UTF-8 sequence
 *   the file is UTF-8, otherwise it is Windows-1252 (Excel's default "CSV" on Windows writes
 *   `Amélie` as `Am 0xE9 lie`, which is never valid UTF-8). Only ASCII precedes that byte, and
 *   ASCII reads the same in both, so nothing read before the decision is read differently.
 * - In a UTF-8 or UTF-16 file, bytes that do not decode are never turned into text silently:
 *   each becomes a U+FFFD whose byte offset is kept in `marks`, and the CSV reader rejects the
 *   record that holds it. A U+FFFD the file really contains is marked too, as genuine (null).
 *
 * Streaming: at most one chunk plus a few bytes of an unfinished character are held.
 */

export type CatalogueEncoding = "utf-8" | "utf-16le" | "utf-16be" | "windows-1252";

/**
 * One U+FFFD of the text, in text order: the byte offset of the bytes it stands for when they were
 * invalid; null for a U+FFFD the file really contains (its offset is never shown: only its place
 * in the queue counts).
 */
export type ReplacementMark = number | null;

export interface CatalogueText {
  readonly texts: AsyncGenerator<string, void, undefined>;
  /** Null until the file's bytes have decided it (pure ASCII so far). */
  encoding(): CatalogueEncoding | null;
  /** Every U+FFFD of the text given out so far and not yet taken, in text order. */
  readonly marks: ReplacementMark[];
}

const REPLACEMENT = "\uFFFD";

/**
 * Where the bytes come from when they are a part of a file that starts after its first byte (a
 * chunk of a fanned-out ingest): the file's encoding, already known, and the offset of the part's
 * first byte, so that a bad byte is reported at its offset in the whole file.
 */
export interface TextPart {
  readonly encoding: CatalogueEncoding;
  readonly byteOffset: number;
}

export function catalogueText(
  source: AsyncIterable<Uint8Array | string>,
  part?: TextPart,
): CatalogueText {
  const marks: ReplacementMark[] = [];
  let encoding: CatalogueEncoding | null = part?.encoding ?? null;
  async function* texts(): AsyncGenerator<string, void, undefined> {
    let offset = part?.byteOffset ?? 0; // bytes of the file before `pending`
    let pending: Uint8Array = new Uint8Array(0);
    let decide = part === undefined; // a byte-order mark is still possible
    let utf16: Utf16Decoder | undefined =
      encoding === "utf-16le" || encoding === "utf-16be" ? new Utf16Decoder(encoding) : undefined;
    const iterator = source[Symbol.asyncIterator]();
    let finished = false;
    try {
      for (;;) {
        const next = await iterator.next();
        const end = next.done === true;
        if (end) finished = true;
        if (!end && typeof next.value === "string") {
          // Text already (tests, tools): it is what it is; only a leading BOM goes.
          encoding ??= "utf-8";
          let text = next.value;
          if (decide && text.charCodeAt(0) === 0xfeff) text = text.slice(1);
          if (text.length > 0) decide = false;
          if (text.length > 0) yield text;
          continue;
        }
        const bytes = end ? pending : concat(pending, next.value as Uint8Array);
        pending = new Uint8Array(0);
        let start = 0;
        if (decide) {
          if (bytes.length < 3 && !end) {
            pending = bytes;
            continue;
          }
          decide = false;
          if (bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf) {
            encoding = "utf-8";
            start = 3;
          } else if (bytes[0] === 0xff && bytes[1] === 0xfe) {
            encoding = "utf-16le";
            start = 2;
          } else if (bytes[0] === 0xfe && bytes[1] === 0xff) {
            encoding = "utf-16be";
            start = 2;
          }
          if (encoding === "utf-16le" || encoding === "utf-16be")
            utf16 = new Utf16Decoder(encoding);
        }
        if (encoding === null) {
          // Undecided: ASCII so far. The first other byte decides once its sequence is whole.
          let at = start;
          while ((bytes[at] ?? 0x80) < 0x80) at++;
          if (at < bytes.length) {
            const sequence = utf8Sequence(bytes, at);
            if (sequence === INCOMPLETE && !end) {
              if (at > start) yield ascii(bytes, start, at);
              offset += at;
              pending = bytes.subarray(at);
              continue;
            }
            encoding = sequence > 0 ? "utf-8" : "windows-1252";
          } else if (end) {
            encoding = "utf-8"; // ASCII is UTF-8
          }
        }
        // Still undecided, the bytes are ASCII, which reads the same as UTF-8.
        let text: string;
        if (encoding === "windows-1252") {
          text = WINDOWS_1252.decode(bytes.subarray(start));
        } else if (utf16 !== undefined) {
          const used = utf16.wholeUnits(bytes, start, end);
          text = utf16.decode(bytes, start, used, offset, marks);
          pending = bytes.subarray(used);
        } else {
          const complete = end ? bytes.length : completeUtf8Length(bytes, start);
          text = decodeUtf8(bytes, start, complete, offset, marks);
          pending = bytes.subarray(complete);
        }
        offset += bytes.length - pending.length;
        if (text.length > 0) yield text;
        if (end) return;
      }
    } catch (error) {
      // A source that threw is finished; it must not be asked to close.
      finished = true;
      throw error;
    } finally {
      // The reader stopped early: the source (an S3 stream) is released.
      if (!finished) await iterator.return?.();
    }
  }
  return { texts: texts(), encoding: () => encoding, marks };
}

const UTF8 = new TextDecoder("utf-8", { fatal: true, ignoreBOM: true });
const WINDOWS_1252 = new TextDecoder("windows-1252");
const LATIN1 = new TextDecoder("latin1");
// Not a negative number: those are the lengths of invalid starts, and -1 (one invalid byte) once
// read as "unfinished" made the last bytes of a file one bad spot (ED A0 80: one U+FFFD, not 3).
const INCOMPLETE = 0;

function ascii(bytes: Uint8Array, start: number, end: number): string {
  return LATIN1.decode(bytes.subarray(start, end));
}

function concat(a: Uint8Array, b: Uint8Array): Uint8Array {
  // Stryker disable next-line ConditionalExpression: equivalent; the copy it saves holds the same bytes.
  if (a.length === 0) return b;
  const out = new Uint8Array(a.length + b.length);
  out.set(a);
  out.set(b, a.length);
  return out;
}

/**
 * The length of the UTF-8 sequence starting at `at` (1 to 4); `INCOMPLETE` when the bytes end
 * before it does; otherwise minus the number of bytes that form its invalid start (WHATWG's
 * "maximal subpart", at least 1), which decode to one U+FFFD.
 */
export function utf8Sequence(bytes: Uint8Array, at: number): number {
  const lead = bytes[at] as number;
  if (lead < 0x80) return 1;
  let need: number;
  let low = 0x80;
  let high = 0xbf;
  if (lead >= 0xc2 && lead <= 0xdf) need = 1;
  else if (lead >= 0xe0 && lead <= 0xef) {
    need = 2;
    if (lead === 0xe0) low = 0xa0;
    if (lead === 0xed) high = 0x9f;
  } else if (lead >= 0xf0 && lead <= 0xf4) {
    need = 3;
    if (lead === 0xf0) low = 0x90;
    if (lead === 0xf4) high = 0x8f;
  } else return -1;
  for (let i = 1; i <= need; i++) {
    if (at + i >= bytes.length) return INCOMPLETE;
    const byte = bytes[at + i] as number;
    if (byte < low || byte > high) return -i;
    low = 0x80;
    high = 0xbf;
  }
  return need + 1;
}

/** Up to where `bytes` holds whole characters: an unfinished last one waits for the next chunk. */
function completeUtf8Length(bytes: Uint8Array, start: number): number {
  // Stryker disable next-line ConditionalExpression,LogicalOperator,ArithmeticOperator: equivalent; the bounds only shorten the walk: a lead byte more than 3 bytes back is followed by at least 3 bytes, and before `start` lie only a byte-order mark's whole sequence or nothing (undefined).
  for (let back = 1; back <= 3 && bytes.length - back >= start; back++) {
    const at = bytes.length - back;
    const byte = bytes[at] as number;
    // An ASCII byte (or C0, never a lead) after a lead byte makes its sequence invalid, not
    // unfinished: stopping at one only shortens the walk.
    // Stryker disable next-line ConditionalExpression: equivalent, see above.
    if (byte < 0x80) return bytes.length;
    // Stryker disable next-line EqualityOperator: equivalent, see above (C0 is never a lead byte).
    if (byte >= 0xc0) return utf8Sequence(bytes, at) === INCOMPLETE ? at : bytes.length;
  }
  return bytes.length;
}

function decodeUtf8(
  bytes: Uint8Array,
  start: number,
  end: number,
  offset: number,
  marks: ReplacementMark[],
): string {
  const part = bytes.subarray(start, end);
  // Stryker disable next-line BlockStatement: equivalent; the walk below gives the same text and marks, this only saves it.
  try {
    const text = UTF8.decode(part);
    markGenuine(text, marks);
    return text;
  } catch {
    // Some bytes are not UTF-8: walk them, so that each bad spot is known by its offset.
  }
  let text = "";
  let run = start;
  for (let at = start; at < end; ) {
    const length = utf8Sequence(bytes, at);
    if (length > 0) {
      // A valid sequence that starts with EF is 3 bytes long.
      if (bytes[at] === 0xef && bytes[at + 1] === 0xbf && bytes[at + 2] === 0xbd) {
        marks.push(null);
      }
      at += length;
      continue;
    }
    text += UTF8.decode(bytes.subarray(run, at)) + REPLACEMENT;
    marks.push(offset + at);
    // An unfinished sequence here is at the very end of the file (`end` leaves out the unfinished
    // end of a chunk): it is one bad spot.
    at = length === INCOMPLETE ? end : at - length;
    run = at;
  }
  return text + UTF8.decode(bytes.subarray(run, end));
}

function markGenuine(text: string, marks: ReplacementMark[]): void {
  for (let at = text.indexOf(REPLACEMENT); at !== -1; at = text.indexOf(REPLACEMENT, at + 1)) {
    marks.push(null);
  }
}

/** UTF-16 after its byte-order mark; a lone surrogate or odd last byte is a bad spot. */
class Utf16Decoder {
  private readonly fatal: InstanceType<typeof TextDecoder>;
  private readonly littleEndian: boolean;

  constructor(encoding: "utf-16le" | "utf-16be") {
    this.fatal = new TextDecoder(encoding, { fatal: true, ignoreBOM: true });
    this.littleEndian = encoding === "utf-16le";
  }

  /** Up to where `bytes` holds whole units and pairs; the rest waits for the next chunk. */
  wholeUnits(bytes: Uint8Array, start: number, final: boolean): number {
    if (final) return bytes.length;
    let end = start + ((bytes.length - start) & ~1);
    // Stryker disable next-line ConditionalExpression,ArithmeticOperator: equivalent; before `start` lie only a byte-order mark (U+FEFF) or nothing (a unit of 0), never a high surrogate.
    if (end - 2 >= start) {
      const last = this.unit(bytes, end - 2);
      if (last >= 0xd800 && last <= 0xdbff) end -= 2;
    }
    return end;
  }

  private unit(bytes: Uint8Array, at: number): number {
    return this.littleEndian
      ? (bytes[at] as number) | ((bytes[at + 1] as number) << 8)
      : ((bytes[at] as number) << 8) | (bytes[at + 1] as number);
  }

  decode(
    bytes: Uint8Array,
    start: number,
    used: number,
    offset: number,
    marks: ReplacementMark[],
  ): string {
    // An odd last byte of the file is a bad spot of its own.
    const end = start + ((used - start) & ~1);
    const unit = (at: number) => this.unit(bytes, at);
    let text: string;
    try {
      text = this.fatal.decode(bytes.subarray(start, end));
      markGenuine(text, marks);
    } catch {
      text = "";
      for (let at = start; at < end; at += 2) {
        const code = unit(at);
        if (code >= 0xd800 && code <= 0xdbff && at + 2 < end) {
          const next = unit(at + 2);
          if (next >= 0xdc00 && next <= 0xdfff) {
            text += String.fromCharCode(code, next);
            at += 2;
            continue;
          }
        }
        if (code >= 0xd800 && code <= 0xdfff) {
          text += REPLACEMENT;
          marks.push(offset + at);
        } else {
          if (code === 0xfffd) marks.push(null);
          text += String.fromCharCode(code);
        }
      }
    }
    if (end < used) {
      text += REPLACEMENT;
      marks.push(offset + end);
    }
    return text;
  }
}
