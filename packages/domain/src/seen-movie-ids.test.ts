import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { createSeenMovieIds } from "./seen-movie-ids.ts";
import { crowdedMovieId, validMovieId } from "./testing/csv-record-arbitraries.ts";

/** What a plain Set says for the same sequence of ids: the reference behaviour. */
function reference(ids: readonly string[]): boolean[] {
  const seen = new Set<string>();
  return ids.map((id) => {
    const first = !seen.has(id);
    seen.add(id);
    return first;
  });
}

function compact(ids: readonly string[]): boolean[] {
  const seen = createSeenMovieIds();
  return ids.map((id) => seen.add(id));
}

// Ids of every kind: short, long, and strings that are no movie id.
const anyId = fc.oneof(
  validMovieId,
  crowdedMovieId,
  fc.string({ unit: fc.constantFrom("a", "A", "0", ".", "-", "_"), minLength: 1, maxLength: 12 }),
  fc.string({ maxLength: 20 }),
  fc.string({ unit: "binary", maxLength: 12 }),
);

describe("createSeenMovieIds", () => {
  it("answers exactly as a Set would, for any sequence of ids", () => {
    fc.assert(
      fc.property(fc.array(anyId, { maxLength: 300 }), (ids) => {
        expect(compact(ids)).toEqual(reference(ids));
      }),
      { numRuns: 2000 },
    );
  });

  it("repeats of a pool of ids, in any order, are duplicates from their second time", () => {
    fc.assert(
      fc.property(
        fc.uniqueArray(anyId, { minLength: 1, maxLength: 50 }),
        fc.array(fc.nat(), { minLength: 1, maxLength: 400 }),
        (pool, picks) => {
          const ids = picks.map((n) => pool[n % pool.length] as string);
          expect(compact(ids)).toEqual(reference(ids));
        },
      ),
    );
  });

  // Found by the properties: with 6 bits a character, the 65th symbol "." spilled into the next
  // character's bits (fast-check seed 1247234193 gave the first pair).
  it.each([
    ["._a", ".-a"],
    [".A", "AB"],
    [".-", "A_"],
    ["tt123.A", "tt123AB"],
    ["....", "..-_A"],
    ["abcde.", "abcdeAB"],
    [`${"x".repeat(20)}.A`, `${"x".repeat(20)}AB`],
  ])("counts %j and %j as two ids", (first, second) => {
    const seen = createSeenMovieIds();
    expect([seen.add(first), seen.add(second), seen.add(first), seen.add(second)]).toEqual([
      true,
      true,
      false,
      false,
    ]);
    expect(seen.size).toBe(2);
  });

  it("tells apart any two different movie ids", () => {
    fc.assert(
      fc.property(validMovieId, validMovieId, (first, second) => {
        fc.pre(first !== second);
        const seen = createSeenMovieIds();
        expect([seen.add(first), seen.add(second), seen.add(first)]).toEqual([true, true, false]);
      }),
      { numRuns: 5000 },
    );
  });

  it("tells apart ids made of dots and the alphabet's last symbols, at every length", () => {
    const tail = fc.constantFrom(".", "-", "_", "9", "A", "B", "a");
    fc.assert(
      fc.property(fc.uniqueArray(fc.string({ unit: tail, minLength: 1, maxLength: 16 })), (ids) => {
        expect(compact([...ids, ...ids])).toEqual(reference([...ids, ...ids]));
      }),
      { numRuns: 2000 },
    );
  });

  it("tells apart ids that differ in one character, its position, case or length", () => {
    const ids = [
      "a",
      "b",
      "A",
      "aa",
      "a.",
      ".a",
      "a-",
      "a_",
      "ab",
      "ba",
      "tt0000001",
      "tt0000010",
      "tt00000001",
      "tt000000001",
      "TT0000001",
      "tt0000001-",
      "0123456789",
      "0123456798",
      "01234567890",
      "012345678901",
      "__________",
      "_________",
      "..........",
      "----------",
      "x".repeat(64),
      `${"x".repeat(63)}y`,
      "",
      " ",
      "é",
      "😀",
    ];
    const seen = createSeenMovieIds();
    expect(ids.map((id) => seen.add(id))).toEqual(ids.map(() => true));
    expect(ids.map((id) => seen.add(id))).toEqual(ids.map(() => false));
    expect(seen.size).toBe(ids.length);
  });

  it("stays exact across growth, and compact: about 8 bytes a slot for short ids", () => {
    const seen = createSeenMovieIds();
    const count = 200_000;
    const short = (i: number) => `tt${String(i * 7).padStart(7, "0")}`;
    for (let i = 0; i < count; i++) expect(seen.add(short(i))).toBe(true);
    for (let i = 0; i < count; i += 97) expect(seen.add(short(i))).toBe(false);
    expect(seen.size).toBe(count);
    // Each sub-table is kept between three eighths and three quarters full.
    expect(seen.bytes / seen.size).toBeLessThan(8 / 0.375);
  });

  it("keeps a long id in a slot plus 4 bytes per 5 characters", () => {
    const seen = createSeenMovieIds();
    const count = 60_000;
    // 36 characters, as a UUID: 8 words.
    const long = (i: number) => `${String(i).padStart(8, "0")}-0000-4000-8000-${"a".repeat(12)}`;
    for (let i = 0; i < count; i++) expect(seen.add(long(i))).toBe(true);
    for (let i = 0; i < count; i += 31) expect(seen.add(long(i))).toBe(false);
    expect(seen.size).toBe(count);
    const base = createSeenMovieIds().bytes;
    expect((seen.bytes - base) / count).toBeLessThan(8 / 0.375 + 8 * 4 + 1);
  });
});
