import { Readable } from "node:stream";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { type CsvFormat, csvRecords } from "./csv-records.ts";

type Chunk = Uint8Array | string;
/** A record as read: its line and fields, or its line and why it was rejected. */
type Row = [line: number, fields: readonly string[] | { rejected: string }];

interface Outcome {
  readonly rows: Row[];
  readonly format: CsvFormat;
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
  const format: CsvFormat = { encoding: null, delimiter: null };
  const options = maxRecordLength === undefined ? { format } : { format, maxRecordLength };
  for await (const { line, fields, rejected } of csvRecords(source, options)) {
    rows.push([line, rejected === undefined ? fields : { rejected }]);
  }
  return { rows, format };
}

async function rowsOf(input: string | Uint8Array): Promise<Row[]> {
  return (await outcome(fromChunks([input]))).rows;
}

/** Asserts the same records however the input's bytes are cut into chunks. */
async function expectEveryChunking(
  input: string | Uint8Array,
  expected: { rows: Row[] },
  maxRecordLength?: number,
): Promise<void> {
  for (const chunks of chunkings(input)) {
    const { rows } = await outcome(fromChunks(chunks), maxRecordLength);
    expect(rows, `chunks ${chunks.map((c) => c.length)}`).toEqual(expected.rows);
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
});

const NEVER_CLOSED = { rejected: "a quote that is never closed" };
const AFTER_QUOTE = {
  rejected: "text after a closing quote (a quote inside a quoted field must be doubled)",
};

describe("csvRecords: damaged records are rejected on their own and reading goes on", () => {
  it("a stray quote inside a quoted field: the issue's line 5000 case", async () => {
    await expectEveryChunking(
      'a,1\nsl-04999,"Dr. Strangelove" or: How I Learned,UK,1964-01-29\nb,2\n',
      {
        rows: [
          [1, ["a", "1"]],
          [2, AFTER_QUOTE],
          [3, ["b", "2"]],
        ],
      },
    );
  });

  it("text after a closing quote, also in a multi-line record: the lines after its first are read again", async () => {
    await expectEveryChunking('a\n"b\nc"\nd\n"e\nf"x,g\nh\n', {
      rows: [
        [1, ["a"]],
        [2, ["b\nc"]],
        [4, ["d"]],
        [5, AFTER_QUOTE],
        [6, ['f"x', "g"]],
        [7, ["h"]],
      ],
    });
  });

  it("a quote never closed rejects the line where it opened; the next line is read", async () => {
    await expectEveryChunking('a\n"b\nc"\n"d,e\nf\ng', {
      rows: [
        [1, ["a"]],
        [2, ["b\nc"]],
        [4, NEVER_CLOSED],
        [5, ["f"]],
        [6, ["g"]],
      ],
    });
  });

  it("damage on the first and the last line, and two in a row", async () => {
    await expectEveryChunking('"a"x\n"b"y\nc\n"d', {
      rows: [
        [1, AFTER_QUOTE],
        [2, AFTER_QUOTE],
        [3, ["c"]],
        [4, NEVER_CLOSED],
      ],
    });
    // Found by the damage fuzzing: the damaged first line's CRLF cut after its CR.
    await expectEveryChunking('"a"x\r\n\r\nb,"c"\r\n', {
      rows: [
        [1, AFTER_QUOTE],
        [2, [""]],
        [3, ["b", "c"]],
      ],
    });
  });

  it("a quote inside an unquoted field is a literal", async () => {
    expect(await rowsOf('tt1,The "Thing" 2,US\nx,a"b"c\n')).toEqual([
      [1, ["tt1", 'The "Thing" 2', "US"]],
      [2, ["x", 'a"b"c']],
    ]);
  });

  it("a record longer than the limit is rejected, also when it never ends, without holding the rest", async () => {
    await expectEveryChunking(
      `a\n${"x".repeat(30)}\nb\n"${"y".repeat(30)}"\nc`,
      {
        rows: [
          [1, ["a"]],
          [2, { rejected: "the record is longer than 20 characters" }],
          [3, ["b"]],
          [4, { rejected: "the record is longer than 20 characters" }],
          [5, ["c"]],
        ],
      },
      20,
    );
    let closed = false;
    async function* endlessQuote(): AsyncGenerator<string> {
      try {
        yield 'tt1,ok\ntt2,"never closed';
        for (let i = 0; i < 100; i++) {
          yield "x".repeat(999).concat("\n");
        }
      } finally {
        closed = true;
      }
    }
    const { rows } = await outcome(endlessQuote(), 10_000);
    expect(rows.slice(0, 3)).toEqual([
      [1, ["tt1", "ok"]],
      [2, { rejected: expect.stringMatching(/longer than 10000 characters/) }],
      [3, ["x".repeat(999)]],
    ]);
    expect(rows).toHaveLength(101);
    expect(closed).toBe(true);
  });

  it("the limit counts a record's characters and delimiters: exactly the limit is read", async () => {
    // Unquoted: the same whatever the chunks. (A quoted record's quotes count while it is held
    // unfinished, so near the limit its outcome depends on the chunks: see docs/reliability.md.)
    await expectEveryChunking(
      "a\nabcdefghij,klmnopqrs\nabcdefghij,klmnopqrst\nz\n",
      {
        rows: [
          [1, ["a"]],
          [2, ["abcdefghij", "klmnopqrs"]],
          [3, { rejected: "the record is longer than 20 characters" }],
          [4, ["z"]],
        ],
      },
      20,
    );
    // An unfinished record held by the parser: rejected once it is past the limit, not before.
    expect((await outcome(fromChunks(['a\n"abcdefghij,klmnopqr', 's"\nz']), 20)).rows).toEqual([
      [1, ["a"]],
      [2, ["abcdefghij,klmnopqrs"]],
      [3, ["z"]],
    ]);
    expect((await outcome(fromChunks(['a\n"abcdefghij,klmnopqrs', '"\nz']), 20)).rows).toEqual([
      [1, ["a"]],
      [2, { rejected: "the record is longer than 20 characters" }],
      [3, ["z"]],
    ]);
  });

  it("a long line with no quote is skipped to its end, however it is cut", async () => {
    const { rows } = await outcome(
      fromChunks(["a\n", "z".repeat(50), "z".repeat(50), "\r", "\nb\n"]),
      20,
    );
    expect(rows).toEqual([
      [1, ["a"]],
      [2, { rejected: "the record is longer than 20 characters" }],
      [3, ["b"]],
    ]);
  });
});

describe("csvRecords: a part of a file, and how far damage was read", () => {
  const FILE = [
    'tt1,"Open,Peru,2001-01-01\n',
    "tt2,Plain,Peru,2001-01-01\n",
    'tt3,"Quoted",Peru,2001-01-01\n',
    "tt4,Plain,Peru,2001-01-01\n",
    "tt5,Plain,Peru,2001-01-01\n",
  ];

  it("tells the last line a damaged record's rejection read (the quote reads on to line 3)", async () => {
    for (const chunks of chunkings(FILE.join(""))) {
      const reach = { line: 0 };
      const lines: number[] = [];
      for await (const record of csvRecords(fromChunks(chunks), { reach })) lines.push(record.line);
      expect(lines).toEqual([1, 2, 3, 4, 5]);
      expect(reach.line).toBeGreaterThanOrEqual(3);
      expect(reach.line).toBeLessThanOrEqual(4);
    }
  });

  it("reads a part that starts at a later record with the file's line numbers and byte offsets", async () => {
    const head = utf8.encode(FILE.slice(0, 3).join(""));
    const before = utf8.encode(`${FILE[3]}tt6,Bad `);
    const bad = new Uint8Array([...before, 0xff, ...utf8.encode(",Peru,2001-01-01\n")]);
    const records = [];
    const part = { encoding: "utf-8" as const, byteOffset: head.length, firstLine: 4 };
    for await (const record of csvRecords(fromChunks([bad]), { delimiter: ",", part })) {
      records.push(record);
    }
    expect(records.map((r) => r.line)).toEqual([4, 5]);
    expect(records[1]?.rejected).toBe(
      `bytes that are not valid UTF-8 at byte offset ${head.length + before.length}`,
    );
  });
});

describe("csvRecords: encodings", () => {
  const enc = (text: string) => [...utf8.encode(text)];

  it("reads Windows-1252 (Excel's CSV) when its first non-ASCII byte is not UTF-8", async () => {
    const bytes = Uint8Array.of(
      ...enc("tt1,Am"),
      0xe9,
      ...enc("lie,FR\ntt2,"),
      0x80,
      ...enc(" 5,X\n"),
    );
    await expectEveryChunking(bytes, {
      rows: [
        [1, ["tt1", "Amélie", "FR"]],
        [2, ["tt2", "€ 5", "X"]],
      ],
    });
    expect((await outcome(fromChunks([bytes]))).format.encoding).toBe("windows-1252");
  });

  it("rejects a UTF-8 file's record with invalid bytes, naming their byte offset", async () => {
    const bytes = Uint8Array.of(...enc("tt1,Amélie\ntt2,B"), 0xff, ...enc("ad\ntt3,\uFFFD ok\n"));
    await expectEveryChunking(bytes, {
      rows: [
        [1, ["tt1", "Amélie"]],
        [2, { rejected: "bytes that are not valid UTF-8 at byte offset 17" }],
        [3, ["tt3", "\uFFFD ok"]],
      ],
    });
    // A character cut off by the end of the file is invalid too.
    expect(await rowsOf(Uint8Array.of(...enc("é,x\nb,"), 0xe2, 0x82))).toEqual([
      [1, ["é", "x"]],
      [2, { rejected: "bytes that are not valid UTF-8 at byte offset 7" }],
    ]);
  });

  it("rejects the last record when the file ends inside a UTF-8 character", async () => {
    const truncated = (text: string, ...lead: number[]) => Uint8Array.from([...enc(text), ...lead]);
    await expectEveryChunking(truncated("a,b\nc,\u00e9", 0xc3), {
      rows: [
        [1, ["a", "b"]],
        [2, { rejected: "bytes that are not valid UTF-8 at byte offset 8" }],
      ],
    });
    await expectEveryChunking(truncated("a,b\nc,d\u00e9\n", 0xf0, 0x9f, 0x98), {
      rows: [
        [1, ["a", "b"]],
        [2, ["c", "d\u00e9"]],
        [3, { rejected: "bytes that are not valid UTF-8 at byte offset 10" }],
      ],
    });
  });

  it("transcodes UTF-16 LE and BE with their byte-order mark", async () => {
    const text = "tt1,Amélie,🎬\ntt2,千と千尋,JP\n";
    const le = new Uint8Array(Buffer.from(`\uFEFF${text}`, "utf16le"));
    const be = Uint8Array.from(le, (_, i) => le[i ^ 1] as number);
    const rows: Row[] = [
      [1, ["tt1", "Amélie", "🎬"]],
      [2, ["tt2", "千と千尋", "JP"]],
    ];
    await expectEveryChunking(le, { rows });
    await expectEveryChunking(be, { rows });
    expect((await outcome(fromChunks([be]))).format.encoding).toBe("utf-16be");
    // A lone surrogate is a bad spot of its own.
    const lone = new Uint8Array(Buffer.from("\uFEFFa,b\nc,\uD800\n", "utf16le"));
    expect(await rowsOf(lone)).toEqual([
      [1, ["a", "b"]],
      [2, { rejected: "bytes that are not valid UTF-16LE at byte offset 14" }],
    ]);
  });
});

describe("csvRecords: delimiter", () => {
  it("detects ; and tab from the first line and reports it", async () => {
    const semi = await outcome(fromChunks(["movie_id;name;country;date\ntt1;A, B;FR;2001\n"]));
    expect(semi.rows).toEqual([
      [1, ["movie_id", "name", "country", "date"]],
      [2, ["tt1", "A, B", "FR", "2001"]],
    ]);
    expect(semi.format.delimiter).toBe(";");
    const tab = await outcome(fromChunks(["\n", "tt1\tA\t", "FR\t2001\n"]));
    expect(tab.rows).toEqual([
      [1, [""]],
      [2, ["tt1", "A", "FR", "2001"]],
    ]);
    expect(tab.format.delimiter).toBe("\t");
  });

  it("keeps the comma when the first line splits into four columns with it", async () => {
    const { format } = await outcome(fromChunks(['tt1,"A;B;C",FR,2001\n']));
    expect(format.delimiter).toBe(",");
    expect((await outcome(fromChunks(["tt1,A; B; C; D; E,FR,2001\n"]))).format.delimiter).toBe(",");
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
 * Quotes what RFC 4180 requires (and the other delimiters, which would decide), plus a field starting with whitespace (fast-csv would drop
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
        quoteAll || mustQuote || /[",\r\n\t;]|^\s/.test(value)
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
        const { rows } = await outcome(fromChunks(cutBytes(bytes, file.cuts)));
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
        const { rows } = await outcome(fromChunks(cutText(input, file.cuts)));
        expect(rows).toEqual(expected);
      }),
      { numRuns: 1000 },
    );
  });

  it("reads back any rows written as RFC 4180 in UTF-16 LE or BE, in any byte chunks", async () => {
    await fc.assert(
      fc.asyncProperty(csvFile, fc.boolean(), async (file, bigEndian) => {
        const { text, expected } = serialise(file);
        const le = new Uint8Array(Buffer.from(`\uFEFF${text}`, "utf16le"));
        const bytes = bigEndian ? Uint8Array.from(le, (_, i) => le[i ^ 1] as number) : le;
        const { rows, format } = await outcome(fromChunks(cutBytes(bytes, file.cuts)));
        expect(rows).toEqual(expected);
        expect(format.encoding).toBe(bigEndian ? "utf-16be" : "utf-16le");
      }),
      { numRuns: 500 },
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
        expect(cut.rows).toEqual(whole.rows);
        const lines = whole.rows.map(([line]) => line);
        lines.forEach((line, i) => {
          if (i > 0) expect(line).toBeGreaterThan(lines[i - 1] as number);
        });
      }),
      { numRuns: 1000 },
    );
  });
});

describe("csvRecords: fixed cases at the edges", () => {
  const BOM = [0xef, 0xbb, 0xbf];
  const enc = (text: string) => [...utf8.encode(text)];
  const badBytesAt = (offset: number) => ({
    rejected: `bytes that are not valid UTF-8 at byte offset ${offset}`,
  });
  const TOO_LONG_5 = { rejected: "the record is longer than 5 characters" };

  it("a genuine U+FFFD before bad bytes does not take their offset", async () => {
    await expectEveryChunking(Uint8Array.from([...BOM, ...enc("a,\uFFFD\nb,"), 0xff, 0x0a]), {
      rows: [
        [1, ["a", "\uFFFD"]],
        [2, badBytesAt(11)],
      ],
    });
  });

  it("bad bytes in a damaged record's first line are its own: the next line's keep their offset", async () => {
    await expectEveryChunking(
      Uint8Array.from([...BOM, ...enc('"a"x,'), 0xff, ...enc("\nb,"), 0xff]),
      {
        rows: [
          [1, AFTER_QUOTE],
          [2, badBytesAt(12)],
        ],
      },
    );
    // The damaged record spans two lines: the second is read again, with its own bad bytes.
    await expectEveryChunking(
      Uint8Array.from([...BOM, 0x22, 0xff, ...enc("\nb"), 0xff, ...enc('"x\nc\n')]),
      {
        rows: [
          [1, AFTER_QUOTE],
          [2, badBytesAt(7)],
          [3, ["c"]],
        ],
      },
    );
  });

  it("bad bytes in a skipped long line are its own, however it is cut", async () => {
    const chunks = [
      [...BOM, ...enc("a\n")],
      [...enc("bbbbbbb"), 0xff],
      [...enc("c"), 0xff, ...enc("c")],
      [...enc("c\nd,"), 0xff, 0x0a],
    ].map((chunk) => Uint8Array.from(chunk));
    expect((await outcome(fromChunks(chunks), 5)).rows).toEqual([
      [1, ["a"]],
      [2, TOO_LONG_5],
      [3, badBytesAt(20)],
    ]);
  });

  it("a damaged record ending in a lone CR or an LF: the next line, even blank, is kept", async () => {
    await expectEveryChunking('h\rx\r"b"y\rc\r', {
      rows: [
        [1, ["h"]],
        [2, ["x"]],
        [3, AFTER_QUOTE],
        [4, ["c"]],
      ],
    });
    await expectEveryChunking('h\r\nx\r\n"b"y\r\nc\r\n', {
      rows: [
        [1, ["h"]],
        [2, ["x"]],
        [3, AFTER_QUOTE],
        [4, ["c"]],
      ],
    });
    await expectEveryChunking('"a"x\n\nb\n', {
      rows: [
        [1, AFTER_QUOTE],
        [2, [""]],
        [3, ["b"]],
      ],
    });
    await expectEveryChunking('a\r\r"b"x\rc\r', {
      rows: [
        [1, ["a"]],
        [2, [""]],
        [3, AFTER_QUOTE],
        [4, ["c"]],
      ],
    });
    await expectEveryChunking('"a"x\r\rb\r', {
      rows: [
        [1, AFTER_QUOTE],
        [2, [""]],
        [3, ["b"]],
      ],
    });
  });

  it("a skipped long line ends at its line break: what follows is read, a blank line too", async () => {
    const cases: [string[], Row[]][] = [
      [
        ["a\n", "bbbbbbbbbb", "bb\n", "\nc\n"],
        [
          [1, ["a"]],
          [2, TOO_LONG_5],
          [3, [""]],
          [4, ["c"]],
        ],
      ],
      [
        ["a\n", "bbbbbbbbbb", "bb\n\nc\n"],
        [
          [1, ["a"]],
          [2, TOO_LONG_5],
          [3, [""]],
          [4, ["c"]],
        ],
      ],
      [
        ["a\n", "bbbbbbbbbb", "bb\rx\n", "\nc\n"],
        [
          [1, ["a"]],
          [2, TOO_LONG_5],
          [3, ["x"]],
          [4, [""]],
          [5, ["c"]],
        ],
      ],
      [
        ["a\n", "bbbbbbbbbb", "bb\r", "x\n", "\ny\n"],
        [
          [1, ["a"]],
          [2, TOO_LONG_5],
          [3, ["x"]],
          [4, [""]],
          [5, ["y"]],
        ],
      ],
      [
        ["a\n", "bbbbbbbbbb", "bb\r", "\nx\n", "\ny\n"],
        [
          [1, ["a"]],
          [2, TOO_LONG_5],
          [3, ["x"]],
          [4, [""]],
          [5, ["y"]],
        ],
      ],
    ];
    for (const [chunks, rows] of cases) {
      expect((await outcome(fromChunks(chunks), 5)).rows, chunks.join("|")).toEqual(rows);
    }
  });

  it("a damaged record carries no fields, only its line and reason", async () => {
    const records = [];
    for await (const record of csvRecords(fromChunks(['a\n"b"x\n"c']))) records.push(record);
    expect(records).toEqual([
      { line: 1, fields: ["a"] },
      { line: 2, fields: [], rejected: AFTER_QUOTE.rejected },
      { line: 3, fields: [], rejected: NEVER_CLOSED.rejected },
    ]);
  });

  it("fills in the encoding as soon as the bytes decide it, and for strings at once", async () => {
    const seen: (string | null)[] = [];
    const format: CsvFormat = { encoding: null, delimiter: null };
    const chunks = [enc("a,b\n"), enc("c,d\n"), [...enc("Am"), 0xe9, ...enc("lie\n")], enc("x\n")];
    const source = fromChunks(chunks.map((chunk) => Uint8Array.from(chunk)));
    for await (const _ of csvRecords(source, { format })) seen.push(format.encoding);
    expect(seen).toEqual([null, null, "windows-1252", "windows-1252"]);
    seen.length = 0;
    for await (const _ of csvRecords(fromChunks(["a\n", "b\n"]), { format })) {
      seen.push(format.encoding);
    }
    expect(seen).toEqual(["utf-8", "utf-8"]);
  });

  it("detects the delimiter from the whole first line when blank lines fill the limit before it", async () => {
    const { rows, format } = await outcome(
      fromChunks(["\n".repeat(8).concat("a;b;"), "c,d,e,f\n"]),
      12,
    );
    expect(format.delimiter).toBe(",");
    expect(rows.at(-1)).toEqual([9, ["a;b;c", "d", "e", "f"]]);
    expect(rows).toHaveLength(9);
  });
});
