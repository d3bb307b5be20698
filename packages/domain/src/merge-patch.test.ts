import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { PreconditionFailedError } from "./errors.ts";
import { rateMovie } from "./rate-movie.ts";
import { applyRatingChanges, parseRatingChanges } from "./rating-changes.ts";
import { InMemoryMovieStore } from "./testing/in-memory-movie-store.ts";
import { fieldErrorsOf } from "./testing/validation-errors.ts";

const RATINGS = ["rotten_tomatoes_rating", "imdb_rating"] as const;
const rating = fc.double({ min: 0, max: 100, noNaN: true }).filter((v) => v === 0 || v >= 1e-130);
const patchValue = fc.option(rating, { nil: null });
const stored = fc.record(
  { rotten_tomatoes_rating: rating, imdb_rating: rating },
  { requiredKeys: [] },
);
const patch = fc
  .record({ rotten_tomatoes_rating: patchValue, imdb_rating: patchValue }, { requiredKeys: [] })
  .filter((body) => Object.keys(body).length > 0);

const INFO = {
  movie_id: "mv1",
  name: "Interstellar",
  country_of_origin: "United States",
  release_date: "2014-10-26",
};

describe("JSON Merge Patch of ratings", () => {
  it("leaves what RFC 7396 leaves: a member set, null removed, absent kept", () => {
    fc.assert(
      fc.property(stored, patch, (before, body) => {
        const after: Record<string, unknown> = applyRatingChanges(
          before,
          parseRatingChanges("mv1", body, "merge-patch"),
        );
        for (const field of RATINGS) {
          const sent = (body as Record<string, number | null | undefined>)[field];
          if (sent === null) expect(Object.hasOwn(after, field)).toBe(false);
          else if (sent === undefined) expect(after[field]).toBe(before[field]);
          else expect(after[field]).toBe(sent + 0);
        }
      }),
      { numRuns: 1000 },
    );
  });

  it("refuses null in a plain JSON body, as before merge patch existed", () => {
    fc.assert(
      fc.property(fc.constantFrom(...RATINGS), (field) => {
        expect(fieldErrorsOf(() => parseRatingChanges("mv1", { [field]: null }))).toEqual([
          { field, message: "must be a number from 0 to 100 (found null)" },
        ]);
      }),
    );
  });

  it("still refuses what is no rating, a null movie_id and unknown fields", () => {
    const errors = fieldErrorsOf(() =>
      parseRatingChanges("mv1", { movie_id: null, imdb_rating: "7", extra: null }, "merge-patch"),
    );
    expect(errors.map((e) => e.field)).toEqual(["movie_id", "imdb_rating", "extra"]);
  });

  it("clears a stored rating through the use case, and the movie shows it null", async () => {
    const ratings = new InMemoryMovieStore();
    ratings.seed(INFO, { rotten_tomatoes_rating: 98, imdb_rating: 43 });
    const movie = await rateMovie(
      { ratings },
      "mv1",
      { imdb_rating: null },
      { format: "merge-patch" },
    );
    expect(movie).toMatchObject({ rotten_tomatoes_rating: 98, imdb_rating: null });
    expect(ratings.ratings.get("mv1")).toEqual({ rotten_tomatoes_rating: 98 });
  });

  it("writes nothing when the precondition does not hold for the stored movie", async () => {
    const ratings = new InMemoryMovieStore();
    ratings.seed(INFO, { imdb_rating: 43 });
    const update = rateMovie(
      { ratings },
      "mv1",
      { imdb_rating: 1 },
      {
        precondition: (current) => current.imdb_rating === 40,
      },
    );
    await expect(update).rejects.toBeInstanceOf(PreconditionFailedError);
    expect(ratings.ratings.get("mv1")).toEqual({ imdb_rating: 43 });
  });
});
