import { describe, expect, it } from "vitest";
import * as domain from "./index.ts";

describe("the package's public surface", () => {
  it("exports the use cases, validation entry points and errors, and no internals", () => {
    expect(Object.keys(domain).sort()).toEqual([
      "IngestIncompleteError",
      "InvalidHeaderError",
      "LIST_LIMIT_DEFAULT",
      "LIST_LIMIT_MAX",
      "MAX_BATCH_SIZE",
      "MovieNotFoundError",
      "MoviesError",
      "PreconditionFailedError",
      "StorageError",
      "UnwrittenItemsError",
      "ValidationError",
      "applyRatingChanges",
      "createLastRowsByChunk",
      "deleteMovie",
      "getMovie",
      "ingestMovieInfos",
      "isMovieId",
      "listMovies",
      "parseMovieId",
      "parseRatingChanges",
      "rateMovie",
      "toMovie",
      "validateMovieInfo",
    ]);
  });
});
