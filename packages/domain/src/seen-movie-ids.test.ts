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

// Ids of every kind: packed exactly (short), hashed (long), and strings that are no movie id.
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

  it("stays exact across growth, and compact: about 8 bytes a slot", () => {
    const seen = createSeenMovieIds();
    const count = 200_000;
    for (let i = 0; i < count; i++) {
      expect(seen.add(`tt${String(i * 7).padStart(7, "0")}`)).toBe(true);
      if (i % 3 === 0) expect(seen.add(`long-id-${i}-${"z".repeat(10)}`)).toBe(true);
    }
    for (let i = 0; i < count; i += 97) {
      expect(seen.add(`tt${String(i * 7).padStart(7, "0")}`)).toBe(false);
      if (i % 3 === 0) expect(seen.add(`long-id-${i}-${"z".repeat(10)}`)).toBe(false);
    }
    expect(seen.size).toBe(count + Math.ceil(count / 3));
    // Each sub-table is kept between three eighths and three quarters full.
    expect(seen.bytes / seen.size).toBeLessThan(8 / 0.375);
  });
});
