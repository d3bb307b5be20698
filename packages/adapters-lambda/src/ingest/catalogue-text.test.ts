/*
 * The decoding of catalogue bytes, against the WHATWG decoders of the platform as the oracle:
 * whatever the chunks, the text is what TextDecoder gives for the whole file in the encoding the
 * file's first bytes decide, and every U+FFFD of it carries a mark (invalid exactly when bytes did
 * not decode).
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { type CatalogueEncoding, catalogueText } from "./catalogue-text.ts";

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
          expect(marks.some((mark) => mark.invalid)).toBe(fatalThrows(encoding, body));
          for (const mark of marks) {
            expect(mark.offset).toBeGreaterThanOrEqual(BOMS[encoding].length);
            expect(mark.offset).toBeLessThan(file.length);
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
          marks.filter((mark) => mark.invalid).map((mark) => mark.offset),
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
