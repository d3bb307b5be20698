/*
 * The decoding of catalogue bytes, against the WHATWG decoders of the platform as the oracle:
 * whatever the chunks, the text is what TextDecoder gives for the whole file in the encoding the
 * file's first bytes decide, and every U+FFFD of it carries a mark (invalid exactly when bytes did
 * not decode).
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { type CatalogueEncoding, catalogueText, type TextPart } from "./catalogue-text.ts";

async function* chunked(bytes: Uint8Array, cuts: readonly number[]): AsyncGenerator<Uint8Array> {
  const at = [...new Set(cuts.map((cut) => cut % (bytes.length + 1)))].sort((a, b) => a - b);
  for (const [i, start] of [0, ...at].entries()) yield bytes.subarray(start, at[i] ?? bytes.length);
}

async function decoded(bytes: Uint8Array, cuts: readonly number[]) {
  const text = catalogueText(chunked(bytes, cuts));
  let all = "";
  for await (const part of text.texts) all += part;
  return { text: all, encoding: text.encoding(), marks: text.marks };
}

function fatalThrows(encoding: string, bytes: Uint8Array): boolean {
  try {
    new TextDecoder(encoding, { fatal: true, ignoreBOM: true }).decode(bytes);
    return false;
  } catch {
    return true;
  }
}

/** The encoding a file without a byte-order mark is read in, decided independently. */
function encodingWithoutBom(bytes: Uint8Array): CatalogueEncoding {
  const at = bytes.findIndex((byte) => byte >= 0x80);
  if (at === -1) return "utf-8";
  for (let length = 2; length <= 4; length++) {
    const sequence = bytes.subarray(at, at + length);
    if (sequence.length === length && !fatalThrows("utf-8", sequence)) return "utf-8";
  }
  return "windows-1252";
}

const REPLACEMENT = /\uFFFD/g;
const BOMS: Record<"utf-8" | "utf-16le" | "utf-16be", number[]> = {
  "utf-8": [0xef, 0xbb, 0xbf],
  "utf-16le": [0xff, 0xfe],
  "utf-16be": [0xfe, 0xff],
};

// Bytes near the edges of UTF-8 and UTF-16: leads, continuations, surrogates, U+FFFD's own bytes.
const edgyByte = fc.oneof(
  fc.constantFrom(0x00, 0x0a, 0x41, 0x7f, 0x80, 0x8f, 0x90, 0x9f, 0xa0, 0xbd, 0xbf, 0xc0, 0xc1),
  fc.constantFrom(0xc2, 0xdf, 0xe0, 0xed, 0xef, 0xf0, 0xf4, 0xf5, 0xff, 0xd8, 0xdb, 0xdc, 0xdf),
  fc.integer({ min: 0, max: 255 }),
);
const textBytes = (encoding: "utf-8" | "utf-16le" | "utf-16be") =>
  fc
    .string({ unit: "binary", maxLength: 6 })
    .map((s) =>
      encoding === "utf-8"
        ? [...new TextEncoder().encode(s)]
        : [...Buffer.from(s, "utf16le")].map((_, i, all) =>
            encoding === "utf-16le" ? (all[i] as number) : (all[i ^ 1] as number),
          ),
    );
const fileBody = (encoding: "utf-8" | "utf-16le" | "utf-16be") =>
  fc
    .array(fc.oneof(textBytes(encoding), fc.array(edgyByte, { maxLength: 3 })), { maxLength: 8 })
    .map((parts) => Uint8Array.from(parts.flat()));
const cuts = fc.array(fc.nat({ max: 64 }), { maxLength: 6 });

describe("catalogueText", () => {
  it("decodes a file with a byte-order mark as TextDecoder does, in any chunks", async () => {
    await fc.assert(
      fc.asyncProperty(
        fc
          .constantFrom("utf-8", "utf-16le", "utf-16be")
          .chain((encoding) => fc.tuple(fc.constant(encoding), fileBody(encoding), cuts)),
        async ([encoding, body, at]) => {
          const file = Uint8Array.from([...BOMS[encoding], ...body]);
          const { text, encoding: detected, marks } = await decoded(file, at);
          expect(detected).toBe(encoding);
          // One convention differs, at the very end only: an unpaired high surrogate then an odd
          // last byte are two bad spots here, one for WHATWG.
          const trailing = (t: string) => t.replace(/\uFFFD+$/, "\uFFFD");
          expect(trailing(text)).toBe(
            trailing(new TextDecoder(encoding, { ignoreBOM: true }).decode(body)),
          );
          expect(marks).toHaveLength(text.match(REPLACEMENT)?.length ?? 0);
          const offsets = marks.filter((mark) => mark !== null);
          expect(offsets.length > 0).toBe(fatalThrows(encoding, body));
          for (const offset of offsets) {
            expect(offset).toBeGreaterThanOrEqual(BOMS[encoding].length);
            expect(offset).toBeLessThan(file.length);
          }
        },
      ),
      { numRuns: 500 },
    );
  });

  it("decides a file without one by its first byte that is not ASCII", async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.integer({ min: 0x20, max: 0x7e }), { maxLength: 4 }),
        fileBody("utf-8"),
        cuts,
        async (ascii, rest, at) => {
          const file = Uint8Array.from([...ascii, ...rest]);
          fc.pre(!(file[0] === 0xef && file[1] === 0xbb && file[2] === 0xbf));
          fc.pre(
            !(file[0] === 0xff && file[1] === 0xfe) && !(file[0] === 0xfe && file[1] === 0xff),
          );
          const encoding = encodingWithoutBom(file);
          const { text, encoding: detected } = await decoded(file, at);
          expect(detected).toBe(encoding);
          expect(text).toBe(new TextDecoder(encoding, { ignoreBOM: true }).decode(file));
        },
      ),
      { numRuns: 1000 },
    );
  });

  it("marks each bad spot at its byte offset", async () => {
    const cases: [number[], number[]][] = [
      [[0xef, 0xbb, 0xbf, 0x61, 0xc3], [4]],
      [
        [0xef, 0xbb, 0xbf, 0xe0, 0x80, 0x61, 0xed, 0xa0, 0x80],
        [3, 4, 6, 7, 8],
      ],
      [
        [0xef, 0xbb, 0xbf, 0xf0, 0x8f, 0xf4, 0x90, 0xf0, 0x9f, 0x98],
        [3, 4, 5, 6, 7],
      ],
      [[0xef, 0xbb, 0xbf, 0xef, 0xbf, 0xbd, 0xff], [6]],
      [
        [0xff, 0xfe, 0x00, 0xd8, 0x41, 0x00, 0x00, 0xdc, 0x42],
        [2, 6, 8],
      ],
      [[0xfe, 0xff, 0xd8, 0x3d, 0xde, 0x00, 0xdb, 0xff], [6]],
    ];
    for (const [bytes, offsets] of cases) {
      for (const at of [[], [1], [4], [5], [7], [1, 2, 3, 4, 5, 6, 7, 8]]) {
        const { marks } = await decoded(Uint8Array.from(bytes), at);
        expect(
          marks.filter((mark) => mark !== null),
          `${bytes} cut at ${at}`,
        ).toEqual(offsets);
      }
    }
  });

  it("closes the source when the reader stops early, and not after the source threw", async () => {
    let closed = 0;
    async function* source(): AsyncGenerator<Uint8Array> {
      try {
        for (;;) yield Uint8Array.of(0x61, 0x0a);
      } finally {
        closed++;
      }
    }
    for await (const _ of catalogueText(source()).texts) break;
    expect(closed).toBe(1);
    const failure = new Error("reset");
    const throwing: AsyncIterable<Uint8Array> = {
      [Symbol.asyncIterator]: () => ({
        next: () => Promise.reject(failure),
        return: () => {
          closed++;
          return Promise.resolve({ done: true, value: undefined });
        },
      }),
    };
    await expect(
      (async () => {
        for await (const _ of catalogueText(throwing).texts);
      })(),
    ).rejects.toBe(failure);
    expect(closed).toBe(1);
  });
});

async function pieces(chunks: readonly (Uint8Array | string)[], part?: TextPart) {
  async function* source(): AsyncGenerator<Uint8Array | string> {
    for (const chunk of chunks) yield chunk;
  }
  const text = catalogueText(source(), part);
  const out: string[] = [];
  const encodings: (CatalogueEncoding | null)[] = [];
  for await (const piece of text.texts) {
    out.push(piece);
    encodings.push(text.encoding());
  }
  return { pieces: out, encodings, encoding: text.encoding(), marks: text.marks };
}

/** Every way to cut `bytes` in two, plus whole and byte by byte. */
function everyCut(bytes: Uint8Array): number[][] {
  const all = [[], [...bytes.keys()].slice(1)];
  for (let at = 1; at < bytes.length; at++) all.push([at]);
  return all;
}

const utf16 = (text: string, encoding: "utf-16le" | "utf-16be") => {
  const le = [...Buffer.from(text, "utf16le")];
  return encoding === "utf-16le" ? le : le.map((_, i) => le[i ^ 1] as number);
};

describe("catalogueText: fixed cases", () => {
  it("does not take a near-miss byte-order mark for one (the first non-ASCII byte decides)", async () => {
    const files = [
      [0xef, 0xbb, 0x41],
      [0xef, 0x41, 0xbf],
      [0x41, 0xbb, 0xbf],
      [0xef, 0xbb],
      [0xef],
      [0xff, 0x41],
      [0x41, 0xfe],
      [0xfe, 0x41],
      [0x41, 0xff],
      [0xff],
      [0xfe],
      [0xef, 0xbf, 0xbd, 0x41],
      [0xdf, 0x80, 0x41],
      [0x41, 0x80],
      [0x41, 0xf5, 0x80, 0x80, 0x80],
      [0x41, 0xf4, 0x8f, 0xbf, 0xbf],
      [0x41, 0x42, 0xe2, 0x82],
    ];
    for (const file of files.map((bytes) => Uint8Array.from(bytes))) {
      const encoding = encodingWithoutBom(file);
      const expected = new TextDecoder(encoding, { ignoreBOM: true }).decode(file);
      for (const at of everyCut(file)) {
        const { text, encoding: detected } = await decoded(file, at);
        expect([detected, text], `${[...file]} cut at ${at}`).toEqual([encoding, expected]);
      }
    }
  });

  it("keeps a genuine U+FFFD's place among the bad spots, and marks no look-alike", async () => {
    const bom = [0xef, 0xbb, 0xbf];
    // U+0FFD U+FFBD U+FFFC ¿ U+FFBD in UTF-8: one byte off U+FFFD's EF BF BD each.
    const lookAlikes = [
      0xe0, 0xbf, 0xbd, 0xef, 0xbe, 0xbd, 0xef, 0xbf, 0xbc, 0xc2, 0xbf, 0xef, 0xbe, 0xbd,
    ];
    const cases: [number[], (number | null)[]][] = [
      // a U+FFFD 0xFF b
      [
        [...bom, 0x61, 0xef, 0xbf, 0xbd, 0xff, 0x62],
        [null, 7],
      ],
      // U+0FFD U+FFBD U+FFFC ¿ U+FFBD, then 0xFF: none of them is a U+FFFD
      [[...bom, ...lookAlikes], []],
      [[...bom, ...lookAlikes, 0xff], [17]],
      // UTF-16 LE: U+FFFD, a lone high surrogate, a
      [
        [0xff, 0xfe, 0xfd, 0xff, 0x00, 0xd8, 0x61, 0x00],
        [null, 4],
      ],
    ];
    for (const [bytes, marks] of cases) {
      for (const at of everyCut(Uint8Array.from(bytes))) {
        const decodedMarks = (await decoded(Uint8Array.from(bytes), at)).marks;
        expect(decodedMarks, `${bytes} cut at ${at}`).toEqual(marks);
      }
    }
  });

  it("decodes surrogate pairs and lone surrogates of UTF-16 at any cut, with their offsets", async () => {
    // Lone D800; pair D800 DC00; lone DBFF; pair DBFF DFFF; a; lone DC00; lone DFFF; lone D800; a;
    // U+FFFD; lone D800; U+E000
    const body = "\uD800\u{10000}\uDBFF\u{10FFFF}a\uDC00\uDFFF\uD800a\uFFFD\uD800\uE000";
    for (const encoding of ["utf-16le", "utf-16be"] as const) {
      const file = Uint8Array.from([...BOMS[encoding], ...utf16(body, encoding)]);
      const expected = new TextDecoder(encoding, { ignoreBOM: true }).decode(file.subarray(2));
      for (const at of everyCut(file)) {
        const { text, marks } = await decoded(file, at);
        expect([text, marks], `${encoding} cut at ${at}`).toEqual([
          expected,
          [2, 8, 16, 18, 20, null, 26],
        ]);
      }
      // Pairs alone, cut anywhere: no bad spot.
      const pairs = Uint8Array.from([
        ...BOMS[encoding],
        ...utf16("\u{10000}b\u{10FFFF}", encoding),
      ]);
      for (const at of everyCut(pairs)) {
        expect(await decoded(pairs, at), `${encoding} cut at ${at}`).toEqual({
          text: "\u{10000}b\u{10FFFF}",
          encoding,
          marks: [],
        });
      }
    }
    // A high surrogate then an odd last byte: two bad spots, at their offsets.
    const odd = Uint8Array.of(0xfe, 0xff, 0x00, 0x61, 0xd8, 0x00, 0xdc);
    for (const at of everyCut(odd)) {
      const { text, marks } = await decoded(odd, at);
      expect([text, marks], `cut at ${at}`).toEqual(["a\uFFFD\uFFFD", [4, 6]]);
    }
    const oddLe = Uint8Array.of(0xff, 0xfe, 0x61, 0x00, 0x62);
    expect((await decoded(oddLe, [])).marks).toEqual([4]);
  });

  it("reads a part of a file in the encoding given, at the offset given, with no byte-order mark", async () => {
    for (const encoding of ["utf-16le", "utf-16be"] as const) {
      const bytes = Uint8Array.from(utf16("a\uD800b", encoding));
      expect(await pieces([bytes], { encoding, byteOffset: 100 })).toMatchObject({
        pieces: ["a\uFFFDb"],
        encoding,
        marks: [102],
      });
    }
    const feff = Uint8Array.of(0xef, 0xbb, 0xbf, 0x61, 0xff);
    expect(await pieces([feff], { encoding: "utf-8", byteOffset: 10 })).toMatchObject({
      pieces: ["\uFEFFa\uFFFD"],
      marks: [14],
    });
    const fffe = Uint8Array.of(0xff, 0xfe, 0x41);
    expect(await pieces([fffe], { encoding: "windows-1252", byteOffset: 10 })).toMatchObject({
      pieces: ["ÿþA"],
      encoding: "windows-1252",
    });
  });

  it("takes strings as text: only a leading U+FEFF goes, and no empty piece comes out", async () => {
    expect(await pieces(["", "\uFEFFa", "", "\uFEFFb"])).toEqual({
      pieces: ["a", "\uFEFFb"],
      encodings: ["utf-8", "utf-8"],
      encoding: "utf-8",
      marks: [],
    });
  });

  it("gives out each chunk's whole characters at once, and no empty piece", async () => {
    const cases: [number[][], string[]][] = [
      [
        [[0x61, 0x62, 0x63], [0x64]],
        ["abc", "d"],
      ],
      [[[0xef, 0xbb, 0xbf], [0xc3], [0xa9, 0x62]], ["éb"]],
      [
        [[0x61, 0xc3, 0xa9], [0x62]],
        ["aé", "b"],
      ],
      [[[0xc3], [0xa9, 0x61]], ["éa"]],
      [
        [[0x61, 0x62, 0x63], [0xc3], [0xa9]],
        ["abc", "é"],
      ],
      [
        [[0x61, 0x62, 0xc3], [0xa9]],
        ["ab", "é"],
      ],
      [
        [
          [0xff, 0xfe, 0x61, 0x00],
          [0x62, 0x00],
        ],
        ["a", "b"],
      ],
      [
        [
          [0xfe, 0xff],
          [0x00, 0x61, 0xd8],
          [0x00, 0xdc, 0x00],
        ],
        ["a", "\u{10000}"],
      ],
    ];
    for (const [chunks, expected] of cases) {
      const { pieces: out } = await pieces(chunks.map((chunk) => Uint8Array.from(chunk)));
      expect(out, `${chunks.join(" | ")}`).toEqual(expected);
    }
  });

  it("does not ask a source that ended to close, and stops one that has no return()", async () => {
    let closed = 0;
    let given = false;
    const ending: AsyncIterable<Uint8Array> = {
      [Symbol.asyncIterator]: () => ({
        next: () => {
          const done = given;
          given = true;
          return Promise.resolve(
            done ? { done: true, value: undefined } : { done: false, value: Uint8Array.of(0x61) },
          );
        },
        return: () => {
          closed++;
          return Promise.resolve({ done: true, value: undefined });
        },
      }),
    };
    const text = catalogueText(ending);
    const out: string[] = [];
    for await (const piece of text.texts) out.push(piece);
    expect(out).toEqual(["a"]);
    expect(closed).toBe(0);
    const endless: AsyncIterable<Uint8Array> = {
      [Symbol.asyncIterator]: () => ({
        next: () => Promise.resolve({ done: false, value: Uint8Array.of(0x61, 0x0a) }),
      }),
    };
    for await (const _ of catalogueText(endless).texts) break;
  });
});
