import { Readable } from "node:stream";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { CsvSyntaxError, csvRecords } from "./csv-records.ts";

type Chunk = Uint8Array | string;
type Row = [line: number, fields: readonly string[]];

interface Outcome {
  readonly rows: Row[];
  readonly error?: { readonly line: number; readonly message: string };
}

const utf8 = new TextEncoder();

async function* fromChunks(chunks: readonly Chunk[]): AsyncGenerator<Chunk> {
  for (const chunk of chunks) yield chunk;
}

function cutBytes(bytes: Uint8Array, cuts: readonly number[]): Uint8Array[] {
  const at = [...new Set(cuts.map((cut) => cut % (bytes.length + 1)))].sort((a, b) => a - b);
  return [0, ...at].map((start, i) => bytes.subarray(start, at[i] ?? bytes.length));
}

function cutText(text: string, cuts: readonly number[]): string[] {
  const at = [...new Set(cuts.map((cut) => cut % (text.length + 1)))].sort((a, b) => a - b);
  return [0, ...at].map((start, i) => text.slice(start, at[i] ?? text.length));
}

/** The input whole, in 1-byte chunks, and cut in two at every byte. */
function chunkings(input: string | Uint8Array): Uint8Array[][] {
  const bytes = typeof input === "string" ? utf8.encode(input) : input;
  const all = [[bytes], [...bytes].map((byte) => Uint8Array.of(byte))];
  for (let at = 1; at < bytes.length; at++) all.push(cutBytes(bytes, [at]));
  return all;
}

async function outcome(
  source: Readable | AsyncIterable<Chunk>,
  maxRecordLength?: number,
): Promise<Outcome> {
  const rows: Row[] = [];
  try {
    const options = maxRecordLength === undefined ? {} : { maxRecordLength };
    for await (const { line, fields } of csvRecords(source, options)) rows.push([line, fields]);
    return { rows };
  } catch (error) {
    if (!(error instanceof CsvSyntaxError)) throw error;
    return { rows, error: { line: error.line, message: error.message } };
  }
}

async function rowsOf(input: string | Uint8Array): Promise<Row[]> {
  const { rows, error } = await outcome(fromChunks([input]));
  expect(error).toBeUndefined();
  return rows;
}

/** Asserts the same outcome however the input's bytes are cut into chunks. */
async function expectEveryChunking(input: string | Uint8Array, expected: Outcome): Promise<void> {
  for (const chunks of chunkings(input)) {
    const { rows, error } = await outcome(fromChunks(chunks));
    expect({ rows, line: error?.line }, `chunks ${chunks.map((c) => c.length)}`).toEqual({
      rows: expected.rows,
      line: expected.error?.line,
    });
  }
}

describe("csvRecords: format", () => {
  it("reads plain rows, each with its line", async () => {
    expect(await rowsOf("tt1,Alien,UK,1979-05-25\ntt2,Heat,US,1995-12-15\n")).toEqual([
      [1, ["tt1", "Alien", "UK", "1979-05-25"]],
      [2, ["tt2", "Heat", "US", "1995-12-15"]],
    ]);
  });

  it("removes a leading byte-order mark, also when its bytes come one at a time", async () => {
    const bytes = Uint8Array.of(0xef, 0xbb, 0xbf, ...utf8.encode("a,b\nc,d\n"));
    await expectEveryChunking(bytes, {
      rows: [
        [1, ["a", "b"]],
        [2, ["c", "d"]],
      ],
    });
    expect(await rowsOf("\uFEFFa,b\n")).toEqual([[1, ["a", "b"]]]);
  });

  it("keeps a U+FEFF that is not the leading byte-order mark", async () => {
    expect(await rowsOf('\uFEFFa\n"\uFEFFb",c\uFEFF\n')).toEqual([
      [1, ["a"]],
      [2, ["\uFEFFb", "c\uFEFF"]],
    ]);
    // Node 24's TextDecoder, left to remove the BOM itself, loses the U+FEFF in both.
    await expectEveryChunking("\u{1CF53}\uFEFF,x\n", { rows: [[1, ["\u{1CF53}\uFEFF", "x"]]] });
    await expectEveryChunking('\uFEFF"\uFEFFa"\n', { rows: [[1, ["\uFEFFa"]]] });
  });

  it("reads LF, CRLF and both mixed, and also a lone CR, as line ends", async () => {
    expect(await rowsOf("a,1\r\nb,2\r\n")).toEqual([
      [1, ["a", "1"]],
      [2, ["b", "2"]],
    ]);
    await expectEveryChunking("a,1\nb,2\r\nc,3\rd,4\n\r\ne,5", {
      rows: [
        [1, ["a", "1"]],
        [2, ["b", "2"]],
        [3, ["c", "3"]],
        [4, ["d", "4"]],
        [5, [""]],
        [6, ["e", "5"]],
      ],
    });
  });

  it("reads quoted commas, doubled quotes and line breaks, counting the breaks in later lines", async () => {
    const text = [
      'tt1,"Crouching Tiger, Hidden Dragon","say ""hi""","two',
      'lines"',
      "tt2,plain\r",
      '"three\r',
      'lines\rand a CR",""""',
      "tt3,last",
    ].join("\n");
    await expectEveryChunking(text, {
      rows: [
        [1, ["tt1", "Crouching Tiger, Hidden Dragon", 'say "hi"', "two\nlines"]],
        [3, ["tt2", "plain"]],
        [4, ["three\r\nlines\rand a CR", '"']],
        [7, ["tt3", "last"]],
      ],
    });
  });

  it('passes blank and whitespace-only lines on as [""] with their lines', async () => {
    await expectEveryChunking("\na\n\nb\r\n \t \r\n\r\nc\n\n", {
      rows: [
        [1, [""]],
        [2, ["a"]],
        [3, [""]],
        [4, ["b"]],
        [5, [""]],
        [6, [""]],
        [7, ["c"]],
        [8, [""]],
      ],
    });
  });

  it("adds no record for the final line break, nor for a whitespace-only last line", async () => {
    expect(await rowsOf("a\n")).toEqual([[1, ["a"]]]);
    expect(await rowsOf("a\r\n")).toEqual([[1, ["a"]]]);
    expect(await rowsOf("a")).toEqual([[1, ["a"]]]);
    expect(await rowsOf("a\n  ")).toEqual([[1, ["a"]]]);
    expect(await rowsOf("")).toEqual([]);
    expect(await rowsOf("\uFEFF")).toEqual([]);
  });

  it("does not trim: the domain does", async () => {
    expect(await rowsOf(" tt1 , Alien ,\tUK\t, 1979-05-25 \n")).toEqual([
      [1, [" tt1 ", " Alien ", "\tUK\t", " 1979-05-25 "]],
    ]);
  });

  it("loses only whitespace the domain trims anyway (fast-csv's own leniency)", async () => {
    expect(await rowsOf('  ,x\n  "a"  , "b" \n')).toEqual([
      [1, ["", "x"]],
      [2, ["a", "b"]],
    ]);
  });

  it("keeps a quote inside an unquoted field as text", async () => {
    expect(await rowsOf('tt1,The "Thing",US\n')).toEqual([[1, ["tt1", 'The "Thing"', "US"]]]);
  });

  it("reads non-ASCII text, whatever byte a chunk ends on", async () => {
    await expectEveryChunking(
      'tt1,Amélie,France\ntt2,千と千尋の神隠し,日本\n"tt3","🎬 👩‍👩‍👧, ok",🇯🇵\n',
      {
        rows: [
          [1, ["tt1", "Amélie", "France"]],
          [2, ["tt2", "千と千尋の神隠し", "日本"]],
          [3, ["tt3", "🎬 👩‍👩‍👧, ok", "🇯🇵"]],
        ],
      },
    );
  });

  it("reads a CRLF cut between chunks, outside and inside quotes", async () => {
    await expectEveryChunking('a\r\n"b\r\nc"\r\n\r\nd\r\n', {
      rows: [
        [1, ["a"]],
        [2, ["b\r\nc"]],
        [4, [""]],
        [5, ["d"]],
      ],
    });
  });

  it("reads a Readable and a source of strings alike", async () => {
    const text = 'a,"b\nc"\nd,e\n';
    const expected = [
      [1, ["a", "b\nc"]],
      [3, ["d", "e"]],
    ];
    expect((await outcome(Readable.from([Buffer.from(text)]))).rows).toEqual(expected);
    expect((await outcome(fromChunks(cutText(text, [2, 5, 9])))).rows).toEqual(expected);
  });

  it("turns bytes that are not UTF-8 into U+FFFD", async () => {
    expect(await rowsOf(Uint8Array.of(0x61, 0xe9, 0x2c, 0x62, 0x0a))).toEqual([
      [1, ["a\uFFFD", "b"]],
    ]);
  });
});

describe("csvRecords: malformed input", () => {
  it("yields the records before an unterminated quote, then fails naming its line", async () => {
    const expected = {
      rows: [
        [1, ["a"]],
        [2, ["b\nc"]],
      ] satisfies Row[],
      error: { line: 4, message: "" },
    };
    await expectEveryChunking('a\n"b\nc"\n"d,e\nf\ng\n', expected);
    const { error } = await outcome(fromChunks(['a\n"b\nc"\n"d,e\nf\ng\n']));
    expect(error?.message).toMatch(/^CSV syntax error in the record starting at line 4: .*closing/);
  });

  it("fails at text after a closing quote, after every record before it, whatever the chunks", async () => {
    // fast-csv drops the rows that share a chunk with the bad one; the replay brings them back.
    await expectEveryChunking('a\n"b\nc"\nd\n"e\nf"x,g\nh\n', {
      rows: [
        [1, ["a"]],
        [2, ["b\nc"]],
        [4, ["d"]],
      ],
      error: { line: 5, message: "" },
    });
    const { error } = await outcome(fromChunks(['a\n"b"x\n']));
    expect(error?.message).toMatch(
      /^CSV syntax error in the record starting at line 2: .*got: 'x'/,
    );
  });

  it("keeps the message short when fast-csv quotes the rest of the file", async () => {
    const { error } = await outcome(fromChunks([`a\n"b${",x\n".repeat(10_000)}`]));
    expect(error?.line).toBe(2);
    expect(error?.message.length).toBeLessThan(300);
  });

  it("gives up on a record longer than maxRecordLength instead of holding the rest of the file", async () => {
    let pulled = 0;
    let closed = false;
    async function* endlessQuote(): AsyncGenerator<string> {
      try {
        yield 'tt1,ok\ntt2,"never closed';
        for (;;) {
          pulled += 1000;
          yield "x".repeat(999).concat("\n");
        }
      } finally {
        closed = true;
      }
    }
    const { rows, error } = await outcome(endlessQuote(), 10_000);
    expect(rows).toEqual([[1, ["tt1", "ok"]]]);
    expect(error?.line).toBe(2);
    expect(error?.message).toMatch(/not complete after/);
    expect(pulled).toBeLessThanOrEqual(12_000);
    expect(closed).toBe(true);
  });
});

describe("csvRecords: streaming", () => {
  const ROW = "tt0000000,A movie name,United States,2001-01-01\n";

  it("reads the source only about a chunk ahead of a slow consumer", async () => {
    let pulled = 0;
    async function* tenRowChunks(): AsyncGenerator<Uint8Array> {
      const chunk = utf8.encode(ROW.repeat(10));
      for (let i = 0; i < 10_000; i++) {
        pulled += chunk.length;
        yield chunk;
      }
    }
    const records = csvRecords(tenRowChunks())[Symbol.asyncIterator]();
    for (let taken = 1; taken <= 45; taken++) {
      const { done } = await records.next();
      expect(done).toBe(false);
      expect(pulled).toBeLessThanOrEqual((taken + 10) * ROW.length);
    }
    const before = pulled;
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(pulled).toBe(before);
    await records.return?.();
  });

  it("ends the source when the consumer stops early", async () => {
    let closed = false;
    async function* source(): AsyncGenerator<string> {
      try {
        for (;;) yield ROW.repeat(10);
      } finally {
        closed = true;
      }
    }
    for await (const { line } of csvRecords(source())) if (line === 15) break;
    expect(closed).toBe(true);

    const readable = Readable.from([ROW, ROW, ROW]);
    for await (const _ of csvRecords(readable)) break;
    expect(readable.destroyed).toBe(true);
  });

  it("passes an error of the source through unchanged", async () => {
    const failure = new Error("connection reset");
    const seen: number[] = [];
    async function* source(): AsyncGenerator<string> {
      yield "a\nb\n";
      throw failure;
    }
    await expect(
      (async () => {
        for await (const { line } of csvRecords(source())) seen.push(line);
      })(),
    ).rejects.toBe(failure);
    expect(seen).toEqual([1, 2]);
  });
});

// Property tests -------------------------------------------------------------------------------

const fieldUnit = fc.oneof(
  { weight: 4, arbitrary: fc.constantFrom(",", '"', "\r", "\n", " ", "\t", "a", "Z", "0") },
  { weight: 1, arbitrary: fc.constantFrom("\u00a0", "\uFEFF", "é", "千", "😀", "👩‍👩‍👧") },
  { weight: 1, arbitrary: fc.string({ unit: "grapheme", minLength: 1, maxLength: 1 }) },
);
const field = fc.string({ unit: fieldUnit, maxLength: 8 });

const csvFile = fc.record({
  rows: fc.array(
    fc.record({
      fields: fc.array(field, { minLength: 1, maxLength: 5 }),
      quoteAll: fc.boolean(),
      crlf: fc.boolean(),
    }),
    { maxLength: 8 },
  ),
  bom: fc.boolean(),
  finalLineEnd: fc.boolean(),
  cuts: fc.array(fc.nat(), { maxLength: 20 }),
});

type CsvFile = typeof csvFile extends fc.Arbitrary<infer T> ? T : never;

/**
 * Quotes what RFC 4180 requires, plus a field starting with whitespace (fast-csv would drop
 * it before a comma) and a lone empty last field with no line end (it would read as nothing).
 */
function serialise(file: CsvFile): { text: string; expected: Row[] } {
  let text = "";
  const expected: Row[] = [];
  file.rows.forEach(({ fields, quoteAll, crlf }, r) => {
    const last = r === file.rows.length - 1;
    expected.push([1 + (text.match(/\r\n|\r|\n/g)?.length ?? 0), fields]);
    const mustQuote = last && !file.finalLineEnd && fields.length === 1 && fields[0] === "";
    text += fields
      .map((value) =>
        quoteAll || mustQuote || /[",\r\n]|^\s/.test(value)
          ? `"${value.replaceAll('"', '""')}"`
          : value,
      )
      .join(",");
    if (!last || file.finalLineEnd) text += crlf ? "\r\n" : "\n";
  });
  return { text, expected };
}

describe("csvRecords: properties", () => {
  it("reads back any rows written as RFC 4180, in any byte chunks", async () => {
    await fc.assert(
      fc.asyncProperty(csvFile, async (file) => {
        const { text, expected } = serialise(file);
        const bytes = utf8.encode(file.bom ? `\uFEFF${text}` : text);
        const { rows, error } = await outcome(fromChunks(cutBytes(bytes, file.cuts)));
        expect(error).toBeUndefined();
        expect(rows).toEqual(expected);
      }),
      { numRuns: 1000 },
    );
  });

  it("reads back any rows written as RFC 4180, in any string chunks", async () => {
    await fc.assert(
      fc.asyncProperty(csvFile, async (file) => {
        const { text, expected } = serialise(file);
        const input = file.bom ? `\uFEFF${text}` : text;
        const { rows, error } = await outcome(fromChunks(cutText(input, file.cuts)));
        expect(error).toBeUndefined();
        expect(rows).toEqual(expected);
      }),
      { numRuns: 1000 },
    );
  });

  it("reads any text, broken or not, the same whatever the chunks", async () => {
    const text = fc.string({
      unit: fc.constantFrom("a", "b", ",", '"', '"', "\r", "\n", " ", "é", "😀"),
      maxLength: 40,
    });
    await fc.assert(
      fc.asyncProperty(text, fc.array(fc.nat(), { maxLength: 20 }), async (input, cuts) => {
        const whole = await outcome(fromChunks([input]));
        const cut = await outcome(fromChunks(cutBytes(utf8.encode(input), cuts)));
        expect({ rows: cut.rows, line: cut.error?.line }).toEqual({
          rows: whole.rows,
          line: whole.error?.line,
        });
        const lines = [...whole.rows.map(([line]) => line), whole.error?.line ?? Infinity];
        lines.forEach((line, i) => {
          if (i > 0) expect(line).toBeGreaterThan(lines[i - 1] as number);
        });
      }),
      { numRuns: 1000 },
    );
  });
});
