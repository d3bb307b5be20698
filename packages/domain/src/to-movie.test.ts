import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { validMovieInfo } from "./testing/csv-record-arbitraries.ts";
import { toMovie } from "./to-movie.ts";

const INFO = {
  movie_id: "mv1",
  name: "Interstellar",
  country_of_origin: "United States",
  release_date: "2014-10-26",
};

describe("toMovie", () => {
  it("gives null for ratings never set", () => {
    expect(toMovie({ info: INFO, rating: undefined })).toEqual({
      ...INFO,
      rotten_tomatoes_rating: null,
      imdb_rating: null,
    });
    expect(toMovie({ info: INFO, rating: { imdb_rating: 43 } })).toEqual({
      ...INFO,
      rotten_tomatoes_rating: null,
      imdb_rating: 43,
    });
  });

  it("keeps a rating of 0 as 0, not null", () => {
    expect(toMovie({ info: INFO, rating: { rotten_tomatoes_rating: 0, imdb_rating: 0 } })).toEqual({
      ...INFO,
      rotten_tomatoes_rating: 0,
      imdb_rating: 0,
    });
  });

  it("shows exactly the six fields of a Movie, whatever else the store kept", () => {
    fc.assert(
      fc.property(
        validMovieInfo(),
        fc.option(fc.double({ min: 0, max: 100, noNaN: true }), { nil: undefined }),
        (info, imdb) => {
          const stored = {
            info: { ...info, pk: "$movies#x", updated_at: 1 },
            rating: imdb === undefined ? {} : { imdb_rating: imdb },
          };
          const movie = toMovie(stored);
          expect(Object.keys(movie).sort()).toEqual([
            "country_of_origin",
            "imdb_rating",
            "movie_id",
            "name",
            "release_date",
            "rotten_tomatoes_rating",
          ]);
          expect(movie).toMatchObject(info);
          expect(movie.imdb_rating).toBe(imdb ?? null);
        },
      ),
      { numRuns: 1000 },
    );
  });
});
