import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { isMovieId, parseMovieId } from "./movie-id.ts";
import { validMovieId } from "./testing/csv-record-arbitraries.ts";
import { fieldErrorsOf } from "./testing/validation-errors.ts";

const RUNS = { numRuns: 1000 };
const ALLOWED = /^[A-Za-z0-9._-]$/;
// Characters a message shows as \uXXXX rather than as themselves (tested on their own below).
const ESCAPED = /[\p{Cc}\p{Cf}\p{Zl}\p{Zp}\p{Mn}\u115f\u1160\u180e\u3164\uffa0]/u;

describe("parseMovieId", () => {
  it("accepts every id of 1 to 64 allowed characters, unchanged", () => {
    fc.assert(
      fc.property(validMovieId, (id) => {
        expect(parseMovieId(id)).toBe(id);
        expect(isMovieId(id)).toBe(true);
      }),
      RUNS,
    );
  });

  it("rejects an id with any other character, naming the character and where it is", () => {
    fc.assert(
      fc.property(
        fc.string({ maxLength: 20, unit: fc.constantFrom(..."abc-_.09") }),
        fc
          .string({ unit: "binary", minLength: 1, maxLength: 1 })
          .filter((c) => !ALLOWED.test(c) && !ESCAPED.test(c)),
        fc.string({ maxLength: 20, unit: fc.constantFrom(..."abc-_.09") }),
        (before, bad, after) => {
          const errors = fieldErrorsOf(() => parseMovieId(`${before}${bad}${after}`));
          expect(errors).toEqual([
            {
              field: "movie_id",
              message: `may only contain A-Z a-z 0-9 - _ . (found ${JSON.stringify(bad)} at position ${before.length + 1})`,
            },
          ]);
          expect(isMovieId(`${before}${bad}${after}`)).toBe(false);
        },
      ),
      RUNS,
    );
  });

  it("rejects an id over 64 characters, and an empty one", () => {
    expect(parseMovieId("a".repeat(64))).toBe("a".repeat(64));
    expect(fieldErrorsOf(() => parseMovieId("a".repeat(65)))).toEqual([
      { field: "movie_id", message: "must be at most 64 characters (found 65)" },
    ]);
    expect(fieldErrorsOf(() => parseMovieId(""))).toEqual([
      { field: "movie_id", message: "must not be empty" },
    ]);
  });

  it.each([".", "..", "...", ".".repeat(64)])("rejects %j, an id of dots only", (id) => {
    expect(fieldErrorsOf(() => parseMovieId(id))).toEqual([
      {
        field: "movie_id",
        message: 'must not be made of dots only ("." and ".." cannot be in a URL path)',
      },
    ]);
    expect(isMovieId(id)).toBe(false);
  });

  it("accepts ids with dots and something else", () => {
    fc.assert(
      fc.property(
        fc.string({ unit: fc.constant("."), maxLength: 10 }),
        fc.constantFrom(..."aZ0-_"),
        fc.string({ unit: fc.constant("."), maxLength: 10 }),
        (before, other, after) => {
          expect(parseMovieId(`${before}${other}${after}`)).toBe(`${before}${other}${after}`);
        },
      ),
      RUNS,
    );
  });

  it.each([
    ["mv\u0080", '"\\u0080" at position 3'],
    ["\u007f", '"\\u007f" at position 1'],
    ["mv\u0000", '"\\u0000" at position 3'],
    ["mv1\u202e", '"\\u202e" at position 4'],
    ["\u200bmv1", '"\\u200b" at position 1'],
    ["mv\u00ff", '"ÿ" at position 3'],
    // A language tag shows as its two UTF-16 escapes; the unassigned U+E0000 beside it as itself.
    ["\u{e0001}", '"\\udb40\\udc01" at position 1'],
    ["\u{e0000}", '"\u{e0000}" at position 1'],
  ])("rejects %j, showing the character so it can be seen", (id, found) => {
    // U+0080 is the first code past the table of allowed characters, U+007F its last entry.
    expect(fieldErrorsOf(() => parseMovieId(id))[0]?.message).toBe(
      `may only contain A-Z a-z 0-9 - _ . (found ${found})`,
    );
  });

  it("does not trim: a path id with spaces is not the movie", () => {
    expect(fieldErrorsOf(() => parseMovieId(" mv1"))[0]?.message).toMatch(
      /found " " at position 1/,
    );
  });

  it("rejects what is not a string, saying what it is", () => {
    expect(fieldErrorsOf(() => parseMovieId(42))).toEqual([
      { field: "movie_id", message: "must be a string (found 42)" },
    ]);
    expect(fieldErrorsOf(() => parseMovieId(undefined))[0]?.message).toBe(
      "must be a string (found undefined)",
    );
    expect(isMovieId(null)).toBe(false);
  });
});
