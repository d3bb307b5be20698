import type { Readable } from "node:stream";
import { type CsvParserStream, parse } from "@fast-csv/parse";
import type { CsvRecord } from "@movies/domain";
import {
  type CatalogueEncoding,
  catalogueText,
  type ReplacementMark,
  type TextPart,
} from "./catalogue-text.ts";
import { type CsvDelimiter, detectDelimiter } from "./csv-delimiter.ts";

/**
 * What fast-csv 5 does, and what this module makes of it (each case is pinned by a test):
 * - A blank or whitespace-only line comes out as `[]`; it is passed on as `[""]`, a record the
 *   domain counts as blank, so that it keeps its line. A final line break ends the last record
 *   and adds none; a whitespace-only last line without a line break is dropped (it is blank).
 * - Whitespace is kept inside unquoted fields, but fast-csv drops it around quoted fields and in
 *   a whitespace-only first field followed by a delimiter, and it strips a U+FEFF that starts a
 *   chunk of its input. All of that is whitespace the domain trims anyway.
 * - A quote inside an unquoted field is kept as text, as spreadsheet tools read it.
 * - Damaged records never stop the file: they come out as records carrying `rejected` (the line
 *   they start on, a reason), and reading resumes on the line after that line:
 *   - a closing quote followed by anything but a delimiter or a line break (a stray quote inside
 *     a quoted field, or text after its closing quote);
 *   - a quote never closed before the end of the file;
 *   - a record longer than `maxRecordLength` characters (also how a quote never closed ends
 *     when much of the file follows it: it is never held whole);
 *   - a record holding bytes that do not decode (see catalogue-text.ts), with their offset.
 *   The lines after the first of a damaged record are read again as records of their own.
 */

export type { CatalogueEncoding, CsvDelimiter };

/** What the reader learnt about the file; filled in as it reads. */
export interface CsvFormat {
  encoding: CatalogueEncoding | null;
  delimiter: CsvDelimiter | null;
}

export interface CsvRecordsOptions {
  /** Characters one record may take before it is rejected as too long; default 65536. */
  readonly maxRecordLength?: number;
  /** The delimiter; by default detected from the first line (`,`, `;` or tab). */
  readonly delimiter?: CsvDelimiter;
  /** Receives the encoding and the delimiter once known. */
  readonly format?: CsvFormat;
  /**
   * The source is a part of a file that starts at a record boundary after its first byte: its
   * encoding and byte offset, and the line its first record starts on (for a fanned-out chunk).
   */
  readonly part?: TextPart & { readonly firstLine: number };
  /**
   * Receives the last line that the rejection of a damaged record so far depended on (a quote
   * never closed reads on to the next quote): reading the file from any later record start gives
   * the same records as reading it whole.
   */
  readonly reach?: { line: number };
}

export type CsvSource = Readable | AsyncIterable<Uint8Array | string>;

export const MAX_RECORD_LENGTH = 65_536;
const REASON_MAX_LENGTH = 200;
const CR = 13;
const LF = 10;
const REPLACEMENT = "\uFFFD";
// Shared: a blank line needs no array of its own, and nobody may write into it.
const BLANK: readonly string[] = Object.freeze([""]);

/**
 * The records of a CSV file, each with the 1-based line it starts on.
 *
 * Pull-driven: the next chunk of `source` is read only once the parser has finished the previous
 * one and every record it produced has been taken, so at most about one chunk (and one record of
 * at most `maxRecordLength`) is held whatever the file's size. Stopping early ends the source.
 * Errors of the source pass through unchanged.
 */
export async function* csvRecords(
  source: CsvSource,
  options: CsvRecordsOptions = {},
): AsyncGenerator<CsvRecord, void, undefined> {
  const maxRecordLength = options.maxRecordLength ?? MAX_RECORD_LENGTH;
  // Stryker disable next-line ObjectLiteral: equivalent; nobody reads the format the caller did not ask for.
  const format = options.format ?? { encoding: null, delimiter: null };
  const text = catalogueText(source as AsyncIterable<Uint8Array | string>, options.part);
  const feed = new Feed(text.texts, text.marks);
  try {
    const delimiter = options.delimiter ?? detectDelimiter(await feed.firstLine(maxRecordLength));
    format.delimiter = delimiter;
    format.encoding = text.encoding();
    const line = options.part?.firstLine ?? 1;
    // Stryker disable next-line ObjectLiteral: equivalent; nobody reads the reach the caller did not ask for.
    const reach = options.reach ?? { line: 0 };
    const run: Run = {
      line,
      delimiter,
      maxRecordLength,
      feed,
      format,
      encoding: text.encoding,
      reach,
    };
    while (yield* parseRun(run)) {
      // A fresh parser per run: fast-csv's stream cannot go on after a parse error.
    }
    format.encoding = text.encoding();
  } finally {
    await feed.close();
  }
}

interface Run {
  line: number;
  readonly delimiter: CsvDelimiter;
  readonly maxRecordLength: number;
  readonly feed: Feed;
  readonly format: CsvFormat;
  readonly encoding: () => CatalogueEncoding | null;
  readonly reach: { line: number };
}

/**
 * Drives one fast-csv stream by hand instead of piping into it: a pipe would let up to 16 chunks
 * queue in its writable side, and would hide which text a parse error came from. Returns true
 * when a damaged record stopped it (a fresh run goes on after it), false at the end of input.
 *
 * A parse error in a chunk cannot be placed (fast-csv drops the rows of the chunk that came
 * before the bad one, and does not say where it was): the chunk goes back to the feed line by
 * line, and the next run finds the broken record's line exactly.
 */
async function* parseRun(run: Run): AsyncGenerator<CsvRecord, boolean, undefined> {
  const { feed, maxRecordLength } = run;
  const parser: CsvParserStream<string[], string[]> = parse({
    headers: false,
    ignoreEmpty: false,
    trim: false,
    delimiter: run.delimiter,
  });
  let wake: (() => void) | undefined;
  const poke = (): void => {
    const resume = wake;
    wake = undefined;
    resume?.();
  };
  let failure: Error | undefined;
  let writing = false;
  let ending = false;
  // The piece written last; none once the input has ended.
  let last: Piece | undefined;
  parser.on("readable", poke);
  parser.on("end", poke);
  parser.on("error", (error: Error) => {
    failure ??= error;
    poke();
  });
  const written = (): void => {
    writing = false;
    poke();
  };
  try {
    for (;;) {
      for (let fields = parser.read() as string[] | null; fields !== null; ) {
        const line = run.line;
        run.line += 1 + lineBreaksIn(fields);
        const rejected = badBytes(fields, run) ?? tooLong(fields, maxRecordLength);
        if (rejected !== undefined) yield { line, fields, rejected };
        else yield { line, fields: fields.length === 0 ? BLANK : fields };
        fields = parser.read() as string[] | null;
      }
      if (failure !== undefined) {
        const pending = unparsedText(parser);
        // Stryker disable next-line ConditionalExpression: unreachable with fast-csv 5, whose stream always holds its unparsed text (see unparsedText).
        if (pending === undefined) throw failure;
        if (last !== undefined && !last.exact) {
          feed.unread(pending + last.text);
          return true;
        }
        yield rejectFirstLine(run, pending + (last?.text ?? ""), describe(failure));
        return true;
      }
      if (parser.readableEnded) return false;
      if (writing || ending) {
        await new Promise<void>((resolve) => {
          wake = resolve;
        });
        continue;
      }
      // Stryker disable next-line StringLiteral: unreachable with fast-csv 5, whose stream always holds its unparsed text (see unparsedText).
      const pending = unparsedText(parser) ?? "";
      if (pending.length > maxRecordLength) {
        yield rejectFirstLine(run, pending, tooLongReason(maxRecordLength));
        return true;
      }
      const next = await feed.next();
      // The encoding may be decided only well into the file (the first byte that is not ASCII).
      run.format.encoding = run.encoding();
      if (next === undefined) {
        ending = true;
        last = undefined;
        parser.end();
      } else {
        last = next;
        writing = true;
        parser.write(next.text, written);
      }
    }
  } finally /* Stryker disable next-line BlockStatement: equivalent, see below */ {
    // Stryker disable next-line CallExpression: equivalent; a parser left undestroyed when the consumer stops early is collected all the same, destroy() only frees it sooner.
    parser.destroy();
  }
}

/**
 * The record `text` starts at the run's line is damaged: it is rejected, and the rest of the text
 * after its first line goes back to the feed (or, the line going on, the feed skips to its end).
 */
function rejectFirstLine(run: Run, text: string, reason: string): CsvRecord {
  const line = run.line;
  run.reach.line = Math.max(run.reach.line, line + lineBreaksIn([text]));
  const end = lineEnd(text);
  run.feed.consumeMarks(end === -1 ? text : text.slice(0, end));
  if (end === -1) {
    // (At the end of the input, nothing is left to skip.)
    run.feed.skipLine();
  } else {
    // A line ending in a CR may go on with an LF in the next text: it is the same line end. (A CR
    // inside the text is followed by something else, which the LF check then leaves alone.)
    if (text.charCodeAt(end - 1) === CR) run.feed.dropLineFeed();
    run.feed.unread(text.slice(end));
  }
  run.line = line + 1;
  return { line, fields: [], rejected: reason };
}

/** Where the first line of `text` ends (after its line break), or -1 when it has none yet. */
function lineEnd(text: string): number {
  const at = text.search(/[\r\n]/);
  if (at === -1) return -1;
  return text.charCodeAt(at) === CR && text.charCodeAt(at + 1) === LF ? at + 2 : at + 1;
}

function badBytes(fields: readonly string[], run: Run): string | undefined {
  let offset: number | undefined;
  for (const field of fields) {
    const bad = run.feed.consumeMarks(field);
    offset ??= bad;
  }
  if (offset === undefined) return undefined;
  // Only bytes decoded as UTF-8 or UTF-16 leave marks: the encoding is known.
  const encoding = run.encoding() as CatalogueEncoding;
  return `bytes that are not valid ${encoding.toUpperCase()} at byte offset ${offset}`;
}

function tooLong(fields: readonly string[], max: number): string | undefined {
  let length = fields.length - 1;
  for (const field of fields) length += field.length;
  return length > max ? tooLongReason(max) : undefined;
}

function tooLongReason(max: number): string {
  return `the record is longer than ${max} characters`;
}

function describe(error: Error): string {
  const { message } = error;
  if (message.includes("missing closing")) return "a quote that is never closed";
  // Stryker disable next-line ConditionalExpression,StringLiteral: equivalent with fast-csv 5, whose parser (headers off) throws only these two errors.
  if (message.includes("expected:")) {
    return "text after a closing quote (a quote inside a quoted field must be doubled)";
  }
  // fast-csv quotes the rest of the input after an unterminated quote: keep reports bounded.
  // Stryker disable next-line all: unreachable with fast-csv 5, whose parser (headers off) throws only the two errors above; kept bounded for an upgrade.
  return message.length > REASON_MAX_LENGTH ? `${message.slice(0, REASON_MAX_LENGTH)}…` : message;
}

/** Line breaks inside the quoted fields of a record: CRLF, CR and LF count one each. */
function lineBreaksIn(fields: readonly string[]): number {
  let breaks = 0;
  for (let f = 0; f < fields.length; f++) {
    const field = fields[f] as string;
    for (let at = field.indexOf("\n"); at !== -1; at = field.indexOf("\n", at + 1)) breaks++;
    for (let at = field.indexOf("\r"); at !== -1; at = field.indexOf("\r", at + 1)) {
      if (field.charCodeAt(at + 1) !== LF) breaks++;
    }
  }
  return breaks;
}

/**
 * The text fast-csv holds back from the start of the record it could not finish yet. It is a
 * private field of fast-csv's stream (pinned by the tests); without it, a parse error fails the
 * read instead of being placed.
 */
function unparsedText(parser: object): string | undefined {
  const { lines } = parser as { lines?: unknown };
  // Stryker disable next-line ConditionalExpression: fast-csv 5's stream always holds a string there.
  return typeof lines === "string" ? lines : undefined;
}

interface Piece {
  readonly text: string;
  /** A piece that ends with a line (or the text): a parse error in it is placed exactly. */
  readonly exact: boolean;
}

/** The decoded text, with text given back to be read again (line by line) before the rest. */
class Feed {
  /** Text given back, the next piece last. */
  private readonly again: Piece[] = [];
  private skipping = false;
  private dropLf = false;

  /** A generator: once it has ended, it answers `next()` with the end again. */
  private readonly texts: AsyncGenerator<string, void, undefined>;
  readonly marks: ReplacementMark[];

  constructor(texts: AsyncGenerator<string, void, undefined>, marks: ReplacementMark[]) {
    this.texts = texts;
    this.marks = marks;
  }

  async next(): Promise<Piece | undefined> {
    for (;;) {
      const again = this.again.pop();
      let text: string;
      if (again !== undefined) text = again.text;
      else {
        const next = await this.texts.next();
        if (next.done === true) return undefined;
        text = next.value;
      }
      if (this.dropLf) {
        this.dropLf = false;
        if (text.charCodeAt(0) === LF) text = text.slice(1);
      }
      if (this.skipping) {
        const end = lineEnd(text);
        if (end === -1) {
          this.consumeMarks(text);
          continue;
        }
        this.skipping = false;
        this.consumeMarks(text.slice(0, end));
        if (end === text.length && text.charCodeAt(end - 1) === CR) this.dropLf = true;
        text = text.slice(end);
      }
      // Stryker disable next-line ConditionalExpression,EqualityOperator: equivalent; an empty piece writes nothing to the parser.
      if (text.length > 0) return { text, exact: again?.exact ?? false };
    }
  }

  /** Gives `text` back, to be read again in pieces of one line each. */
  unread(text: string): void {
    const lines = [...linesOf(text)];
    for (let i = lines.length - 1; i >= 0; i--) {
      this.again.push({ text: lines[i] as string, exact: true });
    }
  }

  /** Drops an LF that starts the next text (the end of a CRLF cut after its CR). */
  dropLineFeed(): void {
    this.dropLf = true;
  }

  /** Drops the text up to the end of the current line. */
  skipLine(): void {
    this.skipping = true;
  }

  /**
   * The text up to the end of the first line that is not blank (at most `max` characters more),
   * given back at once so that it is read as usual.
   */
  async firstLine(max: number): Promise<string> {
    let text = "";
    while (text.length <= max) {
      const line = firstFilledLine(text);
      if (line !== undefined) break;
      const next = await this.texts.next();
      if (next.done === true) break;
      text += next.value;
    }
    this.again.push({ text, exact: false });
    return firstFilledLine(text) ?? text;
  }

  /** Takes the marks of the U+FFFDs in `text`; the offset of the first invalid one, if any. */
  consumeMarks(text: string): number | undefined {
    let offset: number | undefined;
    for (let at = text.indexOf(REPLACEMENT); at !== -1; at = text.indexOf(REPLACEMENT, at + 1)) {
      // A text of strings has no marks at all.
      const mark = this.marks.shift();
      if (typeof mark === "number") offset ??= mark;
    }
    return offset;
  }

  async close(): Promise<void> {
    try {
      // Ends the source unless it ended already (see catalogue-text.ts).
      await this.texts.return();
    } catch {
      // Closing the source after the consumer stopped or the input broke: nothing to report
      // that the pending exception, if any, does not say better.
    }
  }
}

function firstFilledLine(text: string): string | undefined {
  let start = 0;
  for (;;) {
    const end = lineEnd(text.slice(start));
    if (end === -1) return undefined;
    const line = text.slice(start, start + end);
    if (line.trim() !== "") return line;
    start += end;
  }
}

/**
 * The text in pieces that each end with a line, so that a parse error in one piece cannot take
 * a finished record with it. fast-csv holds back a CR that ends its input (an LF may follow), so
 * a piece goes on to the character after a lone CR; one character cannot make a parse error.
 */
function* linesOf(text: string): Generator<string, void, undefined> {
  let start = 0;
  // Stryker disable next-line EqualityOperator: equivalent; one step past the end finds no line and yields the rest as the line after the loop would.
  for (let at = 0; at < text.length; at++) {
    const code = text.charCodeAt(at);
    // Before the first character, charCodeAt(-1) is NaN: not a CR.
    // Stryker disable next-line ConditionalExpression,EqualityOperator,LogicalOperator: the mutants that only cut the text finer (a piece ending after every character, or after any character but an LF) are equivalent: fast-csv reads the same records however finely its input is cut, as long as no piece goes on past the character after a lone CR. The others (no cut after an LF or after a lone CR's next character, a cut right after a lone CR) are killed by the tests.
    if (code === LF || (code !== CR && text.charCodeAt(at - 1) === CR)) {
      yield text.slice(start, at + 1);
      start = at + 1;
    }
  }
  if (start < text.length) yield text.slice(start);
}
