import type { Readable } from "node:stream";
import { type CsvParserStream, parse } from "@fast-csv/parse";
import type { CsvRecord } from "@movies/domain";

/**
 * What fast-csv 5 does, and what this module makes of it (each case is pinned by a test):
 * - A blank or whitespace-only line comes out as `[]`; it is passed on as `[""]`, a record the
 *   domain counts as blank, so that it keeps its line. A final line break ends the last record
 *   and adds none; a whitespace-only last line without a line break is dropped (it is blank).
 * - Whitespace is kept inside unquoted fields, but fast-csv drops it around quoted fields and in
 *   a whitespace-only first field followed by a comma, and it strips a U+FEFF that starts a chunk
 *   of its input. All of that is whitespace the domain trims anyway.
 * - A quote inside an unquoted field is kept as text (lenient).
 * - A closing quote followed by anything but a comma or a line break, and a quote left open at
 *   the end of the input, are parse errors that end fast-csv's stream. They surface as a
 *   `CsvSyntaxError` naming the line the broken record starts on, after every record before it:
 *   the rows that follow cannot be trusted (an open quote swallows them), so the ingest fails
 *   loudly instead of guessing.
 * - Bytes that are not UTF-8 decode to U+FFFD, as fast-csv's own decoder would.
 */

/** The input is not CSV the parser can read on; `line` is where the broken record starts. */
export class CsvSyntaxError extends Error {
  readonly line: number;

  constructor(line: number, reason: string) {
    super(`CSV syntax error in the record starting at line ${line}: ${reason}`);
    this.name = "CsvSyntaxError";
    this.line = line;
  }
}

export interface CsvRecordsOptions {
  /**
   * Characters one record may take before the input is declared broken; default 65536. fast-csv
   * keeps an unfinished record in memory, so an unterminated quote would otherwise make it hold,
   * and re-scan on every chunk, the whole rest of the file.
   */
  readonly maxRecordLength?: number;
}

export type CsvSource = Readable | AsyncIterable<Uint8Array | string>;

const DEFAULT_MAX_RECORD_LENGTH = 65_536;
const REASON_MAX_LENGTH = 200;
const BOM = 0xfeff;
const CR = 13;
const LF = 10;
// Shared: a blank line needs no array of its own, and nobody may write into it.
const BLANK: readonly string[] = Object.freeze([""]);

/**
 * The records of an RFC 4180 CSV file, each with the 1-based line it starts on.
 *
 * Pull-driven: the next chunk of `source` is read only once the parser has finished the previous
 * one and every record it produced has been taken, so at most about one chunk is held whatever
 * the file's size. Stopping early ends the source. Errors of the source pass through unchanged.
 */
export function csvRecords(
  source: CsvSource,
  options: CsvRecordsOptions = {},
): AsyncIterable<CsvRecord> {
  const maxRecordLength = options.maxRecordLength ?? DEFAULT_MAX_RECORD_LENGTH;
  return parseTexts(utf8Texts(source), 1, maxRecordLength, true);
}

async function* utf8Texts(source: CsvSource): AsyncGenerator<string, void, undefined> {
  // Streaming decode keeps a character cut across chunks whole. The BOM is removed here rather
  // than by the decoder: Node 24's streaming BOM removal also eats a U+FEFF that follows a
  // character cut across the first chunks.
  const decoder = new TextDecoder("utf-8", { ignoreBOM: true });
  const stream = { stream: true };
  let atStart = true;
  for await (const chunk of source as AsyncIterable<Uint8Array | string>) {
    let text = typeof chunk === "string" ? chunk : decoder.decode(chunk, stream);
    if (atStart && text.length > 0) {
      atStart = false;
      if (text.charCodeAt(0) === BOM) text = text.slice(1);
    }
    if (text.length > 0) yield text;
  }
  // Only an incomplete character can be left, which decodes to U+FFFD, never to a BOM.
  const tail = decoder.decode();
  if (tail.length > 0) yield tail;
}

/**
 * Drives one fast-csv stream by hand instead of piping into it: a pipe would let up to 16 chunks
 * queue in its writable side, and would hide which text a parse error came from.
 *
 * With `recover`, a parse error met while parsing a chunk is replayed line by line (fast-csv
 * drops the rows of the chunk that came before the bad one, and cannot say where it was); the
 * replay yields those rows and finds the line of the broken record. Returns the next line.
 */
async function* parseTexts(
  texts: AsyncIterator<string> | Iterator<string>,
  firstLine: number,
  maxRecordLength: number,
  recover: boolean,
): AsyncGenerator<CsvRecord, number, undefined> {
  const parser: CsvParserStream<string[], string[]> = parse({
    headers: false,
    ignoreEmpty: false,
    trim: false,
  });
  let wake: (() => void) | undefined;
  const poke = (): void => {
    const resume = wake;
    wake = undefined;
    resume?.();
  };
  let failure: Error | undefined;
  let line = firstLine;
  let writing = false;
  let ending = false;
  let textsDone = false;
  let lastText = "";
  let charsSinceRecord = 0;
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
        const record: CsvRecord = { line, fields: fields.length === 0 ? BLANK : fields };
        line += 1 + lineBreaksIn(fields);
        charsSinceRecord = 0;
        yield record;
        fields = parser.read() as string[] | null;
      }
      if (failure !== undefined) {
        const pending = ending ? undefined : unparsedText(parser);
        if (recover && pending !== undefined) {
          const replay = linesOf(pending + lastText);
          line = yield* parseTexts(replay, line, Number.POSITIVE_INFINITY, false);
        }
        throw new CsvSyntaxError(line, reasonOf(failure));
      }
      if (parser.readableEnded) return line;
      if (writing || ending) {
        await new Promise<void>((resolve) => {
          wake = resolve;
        });
        continue;
      }
      if (charsSinceRecord > maxRecordLength) {
        throw new CsvSyntaxError(
          line,
          `the record is not complete after ${charsSinceRecord} characters (an unterminated quoted field?)`,
        );
      }
      const next = await texts.next();
      if (next.done === true) {
        textsDone = true;
        ending = true;
        parser.end();
      } else {
        lastText = next.value;
        charsSinceRecord += lastText.length;
        writing = true;
        parser.write(lastText, written);
      }
    }
  } finally {
    parser.destroy();
    if (!textsDone) {
      try {
        await texts.return?.();
      } catch {
        // Closing the source after the consumer stopped or the input broke: nothing to report
        // that the pending exception, if any, does not say better.
      }
    }
  }
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
 * private field of fast-csv's stream, read only after a parse error; if a later fast-csv renames
 * it, the error still comes, naming the line of the first record that was not produced.
 */
function unparsedText(parser: object): string | undefined {
  const { lines } = parser as { lines?: unknown };
  return typeof lines === "string" ? lines : undefined;
}

/**
 * The text in pieces that each end with a line, so that a parse error in one piece cannot take
 * a finished record with it. fast-csv holds back a CR that ends its input (an LF may follow), so
 * a piece goes on to the character after a lone CR; one character cannot make a parse error.
 */
function* linesOf(text: string): Generator<string, void, undefined> {
  let start = 0;
  for (let at = 0; at < text.length; at++) {
    const code = text.charCodeAt(at);
    if (code === LF || (code !== CR && at > 0 && text.charCodeAt(at - 1) === CR)) {
      yield text.slice(start, at + 1);
      start = at + 1;
    }
  }
  if (start < text.length) yield text.slice(start);
}

function reasonOf(error: Error): string {
  // fast-csv quotes the rest of the input after an unterminated quote: keep logs bounded.
  const { message } = error;
  return message.length > REASON_MAX_LENGTH ? `${message.slice(0, REASON_MAX_LENGTH)}…` : message;
}
