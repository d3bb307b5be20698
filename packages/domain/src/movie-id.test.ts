import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { isMovieId, parseMovieId } from "./movie-id.ts";
import { validMovieId } from "./testing/csv-record-arbitraries.ts";
import { fieldErrorsOf } from "./testing/validation-errors.ts";

const RUNS = { numRuns: 1000 };
const ALLOWED = /^[A-Za-z0-9._-]$/;

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
        fc.string({ unit: "binary", minLength: 1, maxLength: 1 }).filter((c) => !ALLOWED.test(c)),
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
