import { describe, expect, it } from "vitest";
import * as domain from "./index.ts";

describe("the package's public surface", () => {
  it("exports the use cases, validation entry points and errors, and no internals", () => {
    expect(Object.keys(domain).sort()).toEqual([
      "IngestIncompleteError",
      "InvalidHeaderError",
      "MAX_BATCH_SIZE",
      "MovieNotFoundError",
      "MoviesError",
      "StorageError",
      "UnwrittenItemsError",
      "ValidationError",
      "createLastRowsByChunk",
      "getMovie",
      "ingestMovieInfos",
      "isMovieId",
      "parseMovieId",
      "parseRatingChanges",
      "rateMovie",
      "toMovie",
      "validateMovieInfo",
    ]);
  });
});
