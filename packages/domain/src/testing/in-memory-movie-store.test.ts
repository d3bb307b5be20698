import { describe, expect, it } from "vitest";
import { MovieNotFoundError, UnwrittenItemsError } from "../errors.ts";
import type { MovieInfo } from "../movie.ts";
import { InMemoryMovieStore } from "./in-memory-movie-store.ts";

function info(id: string, name = `Movie ${id}`): MovieInfo {
  return { movie_id: id, name, country_of_origin: "France", release_date: "2001-04-25" };
}

describe("InMemoryMovieStore", () => {
  it("stores batches and reads a movie back with its ratings", async () => {
    const store = new InMemoryMovieStore();
    await store.putBatch([info("a"), info("b")]);
    expect(await store.findMovie("a")).toEqual({ info: info("a"), rating: undefined });
    expect(await store.update("a", { imdb_rating: 7 })).toEqual({
      info: info("a"),
      rating: { imdb_rating: 7 },
    });
    expect(await store.findMovie("zz")).toBeUndefined();
  });

  it("refuses a rating for a movie without info", async () => {
    const store = new InMemoryMovieStore();
    await expect(store.update("a", { imdb_rating: 7 })).rejects.toBeInstanceOf(MovieNotFoundError);
    expect(store.ratings.size).toBe(0);
  });

  it("rejects and records batches that break the port's contract", async () => {
    const store = new InMemoryMovieStore();
    const tooMany = Array.from({ length: 26 }, (_, i) => info(`m${i}`));
    await expect(store.putBatch(tooMany)).rejects.toThrow(/26 items/);
    await expect(store.putBatch([info("a"), info("a")])).rejects.toThrow(/twice/);
    expect(store.violations).toHaveLength(2);
    expect(store.infos.size).toBe(0);
  });

  it("catches a batch sent while another is still writing one of its ids", async () => {
    let release = () => {};
    const store = new InMemoryMovieStore({
      before: (call) =>
        call.method === "putBatch" && call.index === 0
          ? new Promise<void>((resolve) => {
              release = resolve;
            })
          : undefined,
    });
    const first = store.putBatch([info("a"), info("b")]);
    await expect(store.putBatch([info("b", "Newer")])).rejects.toThrow(/still writing/);
    expect(store.inFlight).toBe(1);
    release();
    await first;
    expect(store.violations).toEqual([
      "batch 1: movie id b sent while another batch is still writing it",
    ]);
    expect(store.maxInFlight).toBe(1);
    expect(store.inFlight).toBe(0);
  });

  it("writes nothing from a batch its hook fails", async () => {
    const store = new InMemoryMovieStore({
      before: () => Promise.reject(new UnwrittenItemsError(["a"])),
    });
    await expect(store.putBatch([info("a")])).rejects.toBeInstanceOf(UnwrittenItemsError);
    expect(store.infos.size).toBe(0);
    expect(store.batches).toEqual([[info("a")]]);
  });

  it("records a batch as sent, unaffected by what the caller does to its array later", async () => {
    const store = new InMemoryMovieStore();
    const batch = [info("a")];
    const written = store.putBatch(batch);
    batch.push(info("b"));
    await written;
    expect(store.batches).toEqual([[info("a")]]);
  });
});
