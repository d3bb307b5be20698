import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { parseRatingChanges } from "./rating-changes.ts";
import { fieldErrorsOf, fieldsOf } from "./testing/validation-errors.ts";

const RUNS = { numRuns: 1000 };
const RATINGS = ["rotten_tomatoes_rating", "imdb_rating"] as const;

const inRange = fc.double({ min: 0, max: 100, noNaN: true }).filter((v) => v === 0 || v >= 1e-130);
// Finite and from 0 to 100, but no store keeps a positive number this small.
const tooSmall = fc.double({ min: Number.MIN_VALUE, max: 1e-130, maxExcluded: true, noNaN: true });
const outOfRange = fc.oneof(
  fc.double({ min: 100, max: Number.MAX_VALUE, minExcluded: true, noNaN: true }),
  // fast-check orders -0 below 0, but -0 is a fine rating.
  fc
    .double({ min: -Number.MAX_VALUE, max: 0, maxExcluded: true, noNaN: true })
    .filter((v) => !Object.is(v, -0)),
  fc.constantFrom(Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY),
);
const notANumber = fc.oneof(
  fc.constantFrom("98", "", null, true, [], {}),
  inRange.map((n) => String(n)),
);

describe("parseRatingChanges", () => {
  it("takes the seed's request exactly as written", () => {
    const body = JSON.parse('{"movie_id": "mv1", "rotten_tomatoes_rating": 98, "imdb_rating": 43}');
    expect(parseRatingChanges("mv1", body)).toEqual({
      rotten_tomatoes_rating: 98,
      imdb_rating: 43,
    });
  });

  it("takes either rating alone, leaving the other out of the changes", () => {
    expect(parseRatingChanges("mv1", { imdb_rating: 7.5 })).toEqual({ imdb_rating: 7.5 });
    expect(parseRatingChanges("mv1", { rotten_tomatoes_rating: 0 })).toEqual({
      rotten_tomatoes_rating: 0,
    });
  });

  it("accepts any finite number from 0 to 100 for each rating", () => {
    fc.assert(
      fc.property(fc.constantFrom(...RATINGS), inRange, (field, value) => {
        const changes: Record<string, unknown> = parseRatingChanges("mv1", { [field]: value });
        expect(changes[field]).toBe(value + 0);
      }),
      RUNS,
    );
  });

  it("refuses a positive rating under 1e-130, which is in range but cannot be stored", () => {
    fc.assert(
      fc.property(fc.constantFrom(...RATINGS), tooSmall, (field, value) => {
        expect(fieldErrorsOf(() => parseRatingChanges("mv1", { [field]: value }))).toEqual([
          { field, message: `must be 0 or at least 1e-130 (found ${value})` },
        ]);
      }),
      RUNS,
    );
    expect(fieldErrorsOf(() => parseRatingChanges("mv1", { imdb_rating: 5e-324 }))).toEqual([
      { field: "imdb_rating", message: "must be 0 or at least 1e-130 (found 5e-324)" },
    ]);
    expect(parseRatingChanges("mv1", { imdb_rating: 1e-130 })).toEqual({ imdb_rating: 1e-130 });
  });

  it("carries exactly the ratings the body sets, no key for one left out", () => {
    expect(parseRatingChanges("mv1", { imdb_rating: 7.5 })).toStrictEqual({ imdb_rating: 7.5 });
    expect(parseRatingChanges("mv1", { rotten_tomatoes_rating: 98 })).toStrictEqual({
      rotten_tomatoes_rating: 98,
    });
    expect(
      parseRatingChanges("mv1", { imdb_rating: 7.5, rotten_tomatoes_rating: 98 }),
    ).toStrictEqual({ rotten_tomatoes_rating: 98, imdb_rating: 7.5 });
    expect(
      parseRatingChanges("mv1", { imdb_rating: null, rotten_tomatoes_rating: 98 }, "merge-patch"),
    ).toStrictEqual({ rotten_tomatoes_rating: 98, imdb_rating: null });
  });

  it("reads a body as json unless told it is a merge patch: null clears only in a merge patch", () => {
    expect(fieldErrorsOf(() => parseRatingChanges("mv1", { imdb_rating: null }))).toEqual([
      { field: "imdb_rating", message: "must be a number from 0 to 100 (found null)" },
    ]);
    expect(parseRatingChanges("mv1", { imdb_rating: null }, "merge-patch")).toStrictEqual({
      imdb_rating: null,
    });
  });

  it("stores -0 as 0 for either rating", () => {
    expect(
      Object.is(
        parseRatingChanges("mv1", JSON.parse('{"rotten_tomatoes_rating":-0}'))
          .rotten_tomatoes_rating,
        0,
      ),
    ).toBe(true);
  });

  it("stores -0 as 0", () => {
    expect(
      Object.is(parseRatingChanges("mv1", JSON.parse('{"imdb_rating":-0}')).imdb_rating, 0),
    ).toBe(true);
  });

  it("rejects a rating out of range, not finite, or not a number, naming it", () => {
    fc.assert(
      fc.property(fc.constantFrom(...RATINGS), fc.oneof(outOfRange, notANumber), (field, value) => {
        const errors = fieldErrorsOf(() => parseRatingChanges("mv1", { [field]: value }));
        expect(fieldsOf(errors)).toEqual([field]);
      }),
      RUNS,
    );
  });

  it("says why a rating is refused", () => {
    expect(fieldErrorsOf(() => parseRatingChanges("mv1", { imdb_rating: "43" }))).toEqual([
      { field: "imdb_rating", message: 'must be a number from 0 to 100 (found string "43")' },
    ]);
    expect(fieldErrorsOf(() => parseRatingChanges("mv1", { imdb_rating: 101 }))).toEqual([
      { field: "imdb_rating", message: "must be from 0 to 100 (found 101)" },
    ]);
    expect(fieldErrorsOf(() => parseRatingChanges("mv1", { imdb_rating: null }))).toEqual([
      { field: "imdb_rating", message: "must be a number from 0 to 100 (found null)" },
    ]);
    expect(fieldErrorsOf(() => parseRatingChanges("mv1", { imdb_rating: -5 }))).toEqual([
      { field: "imdb_rating", message: "must be from 0 to 100 (found -5)" },
    ]);
    expect(
      fieldErrorsOf(() => parseRatingChanges("mv1", { rotten_tomatoes_rating: Number.NaN })),
    ).toEqual([
      {
        field: "rotten_tomatoes_rating",
        message: "must be a finite number from 0 to 100 (found NaN)",
      },
    ]);
  });

  it("names every field it does not know", () => {
    const errors = fieldErrorsOf(() =>
      parseRatingChanges("mv1", { imdb_rating: 43, name: "Up", metacritic: 80 }),
    );
    expect(errors).toEqual([
      {
        field: "name",
        message:
          "is not a known field (known fields: movie_id, rotten_tomatoes_rating, imdb_rating)",
      },
      {
        field: "metacritic",
        message:
          "is not a known field (known fields: movie_id, rotten_tomatoes_rating, imdb_rating)",
      },
    ]);
  });

  it("refuses a body movie_id that differs from the path's", () => {
    expect(
      fieldErrorsOf(() => parseRatingChanges("mv1", { movie_id: "mv2", imdb_rating: 1 })),
    ).toEqual([
      { field: "movie_id", message: '"mv2" in the body does not match "mv1" in the path' },
    ]);
    expect(fieldErrorsOf(() => parseRatingChanges("mv1", { movie_id: 1, imdb_rating: 1 }))).toEqual(
      [{ field: "movie_id", message: "must be a string (found 1)" }],
    );
  });

  it("requires at least one rating", () => {
    for (const body of [{}, { movie_id: "mv1" }]) {
      expect(fieldErrorsOf(() => parseRatingChanges("mv1", body))).toEqual([
        { field: "body", message: "must set at least one of rotten_tomatoes_rating, imdb_rating" },
      ]);
    }
  });

  it.each([
    [null, "null"],
    [[{ imdb_rating: 1 }], "array"],
    ["imdb_rating=43", 'string "imdb_rating=43"'],
    [43, "43"],
    [true, "true"],
    [undefined, "undefined"],
  ])("rejects the non-object body %j", (body, found) => {
    expect(fieldErrorsOf(() => parseRatingChanges("mv1", body))).toEqual([
      { field: "body", message: `must be a JSON object (found ${found})` },
    ]);
  });

  it("reports every failing field of a body at once", () => {
    const faults = {
      movie_id: fc.constant<[string, unknown]>(["movie_id", "other"]),
      rotten_tomatoes_rating: outOfRange.map((v): [string, unknown] => [
        "rotten_tomatoes_rating",
        v,
      ]),
      imdb_rating: notANumber.map((v): [string, unknown] => ["imdb_rating", v]),
      unknown: fc
        .constantFrom("name", "rating", "Movie_Id", "__proto__", "imdb")
        .map((k): [string, unknown] => [k, 1]),
    };
    fc.assert(
      fc.property(
        fc.subarray(Object.values(faults), { minLength: 1 }).chain((picked) => fc.tuple(...picked)),
        (entries) => {
          // JSON.parse gives "__proto__" as an own field, as a real request body would.
          const body = JSON.parse(JSON.stringify(Object.fromEntries(entries)));
          const errors = fieldErrorsOf(() => parseRatingChanges("mv1", body));
          const expected = entries.map(([field]) => field);
          if (!expected.includes("rotten_tomatoes_rating") && !expected.includes("imdb_rating")) {
            expected.push("body");
          }
          expect(fieldsOf(errors)).toEqual(expected);
        },
      ),
      RUNS,
    );
  });
});
