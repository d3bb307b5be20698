import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { deleteMovie } from "./delete-movie.ts";
import { MovieNotFoundError, PreconditionFailedError } from "./errors.ts";
import { listMovies } from "./list-movies.ts";
import { InMemoryMovieStore } from "./testing/in-memory-movie-store.ts";
import { fieldErrorsOfAsync } from "./testing/validation-errors.ts";

function catalogue(count: number): InMemoryMovieStore {
  const store = new InMemoryMovieStore();
  for (let i = 0; i < count; i++) {
    store.seed({
      movie_id: `mv${i}`,
      name: `Movie ${i}`,
      country_of_origin: "France",
      release_date: "2001-02-03",
    });
  }
  return store;
}

describe("listMovies", () => {
  it("walks every movie exactly once, whatever the page size", async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 0, max: 30 }),
        fc.integer({ min: 1, max: 12 }),
        async (count, limit) => {
          const movieInfos = catalogue(count);
          const seen: string[] = [];
          let cursor: string | undefined;
          do {
            const page = await listMovies({ movieInfos }, { limit: String(limit), cursor });
            expect(page.items.length).toBeLessThanOrEqual(limit);
            seen.push(...page.items.map((movie) => movie.movie_id));
            cursor = page.next;
          } while (cursor !== undefined);
          expect(seen.sort()).toEqual([...movieInfos.infos.keys()].sort());
        },
      ),
      { numRuns: 100 },
    );
  });

  it("takes 50 movies by default", async () => {
    const page = await listMovies({ movieInfos: catalogue(60) }, {});
    expect(page.items).toHaveLength(50);
  });

  it("refuses a limit that is not a whole number from 1 to 500, naming it", async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.oneof(
          fc.constantFrom("0", "501", "", "1.5", "-1", " 5", "5 ", "1e2", "0x10", "99999"),
          fc.string().filter((s) => !/^[0-9]+$/.test(s)),
          fc.integer({ min: 501 }).map(String),
        ),
        async (limit) => {
          const errors = await fieldErrorsOfAsync(
            listMovies({ movieInfos: catalogue(1) }, { limit }),
          );
          expect(errors.map((e) => e.field)).toEqual(["limit"]);
        },
      ),
    );
  });

  it("takes up to 500 movies when asked", async () => {
    const asked: unknown[] = [];
    const movieInfos = new InMemoryMovieStore({
      before: (call) => {
        if (call.method === "listMovies") asked.push(call.page.limit);
      },
    });
    await listMovies({ movieInfos }, { limit: "500" });
    await listMovies({ movieInfos }, { limit: "1" });
    expect(asked).toEqual([500, 1]);
  });

  it("says what the refused limit was", async () => {
    for (const [limit, found] of [
      ["501", '"501"'],
      ["0", '"0"'],
      [5, "5"],
      [["5"], "array"],
    ] as const) {
      const errors = await fieldErrorsOfAsync(listMovies({ movieInfos: catalogue(1) }, { limit }));
      expect(errors).toEqual([
        { field: "limit", message: `must be a whole number from 1 to 500 (found ${found})` },
      ]);
    }
  });

  it("refuses an empty or non-string cursor itself, without asking the store", async () => {
    const movieInfos = {
      listMovies: async () => ({ items: [], next: undefined }),
    };
    for (const cursor of ["", 7, ["a"]]) {
      const errors = await fieldErrorsOfAsync(listMovies({ movieInfos }, { cursor }));
      expect(errors).toEqual([
        { field: "cursor", message: "must be the `next` of an earlier page" },
      ]);
    }
  });

  it("refuses a cursor the list never gave out", async () => {
    for (const cursor of ["", "nonsense", "after:", "after:..", ["a"]]) {
      const errors = await fieldErrorsOfAsync(listMovies({ movieInfos: catalogue(1) }, { cursor }));
      expect(errors.map((e) => e.field)).toEqual(["cursor"]);
    }
  });
});

describe("deleteMovie", () => {
  it("removes the movie with its ratings", async () => {
    const movieInfos = catalogue(2);
    movieInfos.ratings.set("mv0", { imdb_rating: 4 });
    await deleteMovie({ movieInfos }, "mv0");
    expect([...movieInfos.infos.keys()]).toEqual(["mv1"]);
    expect(movieInfos.ratings.has("mv0")).toBe(false);
  });

  it("refuses an unknown movie and a failed precondition, removing nothing", async () => {
    const movieInfos = catalogue(1);
    await expect(deleteMovie({ movieInfos }, "mv9")).rejects.toBeInstanceOf(MovieNotFoundError);
    await expect(deleteMovie({ movieInfos }, "mv0", () => false)).rejects.toBeInstanceOf(
      PreconditionFailedError,
    );
    expect(movieInfos.infos.has("mv0")).toBe(true);
  });
});
