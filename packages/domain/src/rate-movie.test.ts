import { describe, expect, it } from "vitest";
import { MovieNotFoundError } from "./errors.ts";
import { rateMovie } from "./rate-movie.ts";
import { InMemoryMovieStore, type StoreCall } from "./testing/in-memory-movie-store.ts";
import { fieldErrorsOfAsync, fieldsOf } from "./testing/validation-errors.ts";

const INTERSTELLAR = {
  movie_id: "mv1",
  name: "Interstellar",
  country_of_origin: "United States",
  release_date: "2014-10-26",
};

function store() {
  const calls: StoreCall[] = [];
  const ratings = new InMemoryMovieStore({ before: (call) => void calls.push(call) });
  ratings.seed(INTERSTELLAR);
  return { ratings, calls };
}

describe("rateMovie", () => {
  it("applies the seed's request and returns the whole movie", async () => {
    const { ratings } = store();
    const body = JSON.parse('{"movie_id": "mv1", "rotten_tomatoes_rating": 98, "imdb_rating": 43}');
    expect(await rateMovie({ ratings }, "mv1", body)).toEqual({
      ...INTERSTELLAR,
      rotten_tomatoes_rating: 98,
      imdb_rating: 43,
    });
    expect(ratings.ratings.get("mv1")).toEqual({ rotten_tomatoes_rating: 98, imdb_rating: 43 });
  });

  it("keeps the stored value of a rating left out", async () => {
    const { ratings } = store();
    await rateMovie({ ratings }, "mv1", { rotten_tomatoes_rating: 98, imdb_rating: 43 });
    const movie = await rateMovie({ ratings }, "mv1", { imdb_rating: 8.6 });
    expect(movie).toMatchObject({ rotten_tomatoes_rating: 98, imdb_rating: 8.6 });
  });

  it("leaves a rating never set null after a partial update", async () => {
    const { ratings } = store();
    expect(await rateMovie({ ratings }, "mv1", { imdb_rating: 43 })).toMatchObject({
      rotten_tomatoes_rating: null,
      imdb_rating: 43,
    });
  });

  it("passes on the store's not-found for an unknown movie, having written nothing", async () => {
    const { ratings } = store();
    await expect(rateMovie({ ratings }, "mv9", { imdb_rating: 43 })).rejects.toBeInstanceOf(
      MovieNotFoundError,
    );
    expect(ratings.ratings.has("mv9")).toBe(false);
  });

  it("reports the path and every body field at once, and writes nothing", async () => {
    const { ratings, calls } = store();
    const errors = await fieldErrorsOfAsync(
      rateMovie({ ratings }, "mv 1", { rotten_tomatoes_rating: "98", imdb_rating: 143, stars: 5 }),
    );
    expect(fieldsOf(errors)).toEqual([
      "movie_id",
      "rotten_tomatoes_rating",
      "imdb_rating",
      "stars",
    ]);
    expect(calls).toEqual([]);
  });

  it("refuses a body whose movie_id is another movie's", async () => {
    const { ratings, calls } = store();
    const errors = await fieldErrorsOfAsync(
      rateMovie({ ratings }, "mv1", { movie_id: "mv2", imdb_rating: 43 }),
    );
    expect(errors).toEqual([
      { field: "movie_id", message: '"mv2" in the body does not match "mv1" in the path' },
    ]);
    expect(calls).toEqual([]);
  });

  it("does not report a movie_id mismatch on top of an invalid path id", async () => {
    const { ratings } = store();
    const errors = await fieldErrorsOfAsync(
      rateMovie({ ratings }, "mv/1", { movie_id: "mv1", imdb_rating: 43 }),
    );
    expect(errors).toHaveLength(1);
    expect(errors[0]?.message).toMatch(/found "\/" at position 3/);
  });

  it("refuses a path id that is no string, saying what it is, and writes nothing", async () => {
    const { ratings, calls } = store();
    for (const [movieId, found] of [
      [1, "1"],
      [undefined, "undefined"],
      [["mv1"], "array"],
    ] as const) {
      const errors = await fieldErrorsOfAsync(
        rateMovie({ ratings }, movieId, { movie_id: "mv1", imdb_rating: 43 }),
      );
      expect(errors).toEqual([{ field: "movie_id", message: `must be a string (found ${found})` }]);
    }
    expect(calls).toEqual([]);
  });

  it("requires at least one rating", async () => {
    const { ratings } = store();
    const errors = await fieldErrorsOfAsync(rateMovie({ ratings }, "mv1", { movie_id: "mv1" }));
    expect(errors).toEqual([
      { field: "body", message: "must set at least one of rotten_tomatoes_rating, imdb_rating" },
    ]);
  });

  it("refuses a body that is not a JSON object", async () => {
    const { ratings } = store();
    for (const body of [null, [], "98", 98]) {
      const errors = await fieldErrorsOfAsync(rateMovie({ ratings }, "mv1", body));
      expect(fieldsOf(errors)).toEqual(["body"]);
    }
  });
});
