import { describe, expect, it } from "vitest";
import { MovieNotFoundError, StorageError } from "./errors.ts";
import { getMovie } from "./get-movie.ts";
import { InMemoryMovieStore, type StoreCall } from "./testing/in-memory-movie-store.ts";
import { fieldErrorsOfAsync } from "./testing/validation-errors.ts";

const INTERSTELLAR = {
  movie_id: "mv1",
  name: "Interstellar",
  country_of_origin: "United States",
  release_date: "2014-10-26",
};

function storeWithInterstellar(rating?: { rotten_tomatoes_rating?: number; imdb_rating?: number }) {
  const calls: StoreCall[] = [];
  const store = new InMemoryMovieStore({ before: (call) => void calls.push(call) });
  store.seed(INTERSTELLAR, rating);
  return { store, calls };
}

describe("getMovie", () => {
  it("returns the movie with null ratings before any rating is set", async () => {
    const { store } = storeWithInterstellar();
    expect(await getMovie({ movieInfos: store }, "mv1")).toEqual({
      ...INTERSTELLAR,
      rotten_tomatoes_rating: null,
      imdb_rating: null,
    });
  });

  it("returns the ratings merged with the info", async () => {
    const { store } = storeWithInterstellar({ rotten_tomatoes_rating: 98, imdb_rating: 43 });
    expect(await getMovie({ movieInfos: store }, "mv1")).toMatchObject({
      name: "Interstellar",
      rotten_tomatoes_rating: 98,
      imdb_rating: 43,
    });
  });

  it("rejects an invalid id on field movie_id without asking the store", async () => {
    const { store, calls } = storeWithInterstellar();
    for (const id of ["mv 1", "", "x".repeat(65), 7, undefined]) {
      const errors = await fieldErrorsOfAsync(getMovie({ movieInfos: store }, id));
      expect(errors.map((e) => e.field)).toEqual(["movie_id"]);
    }
    expect(calls).toEqual([]);
  });

  it("says the movie is not found when it has no info", async () => {
    const { store } = storeWithInterstellar();
    const error = await getMovie({ movieInfos: store }, "mv2").catch((e: unknown) => e);
    expect(error).toBeInstanceOf(MovieNotFoundError);
    expect((error as MovieNotFoundError).movieId).toBe("mv2");
  });

  it("passes a storage failure on untouched", async () => {
    const failure = new StorageError("table unreachable");
    const store = new InMemoryMovieStore({
      before: () => {
        throw failure;
      },
    });
    await expect(getMovie({ movieInfos: store }, "mv1")).rejects.toBe(failure);
  });
});
