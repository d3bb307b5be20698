import { describe, expect, it } from "vitest";
import {
  IngestIncompleteError,
  InvalidHeaderError,
  MovieNotFoundError,
  MoviesError,
  PreconditionFailedError,
  StorageError,
  UnwrittenItemsError,
  ValidationError,
} from "./errors.ts";
import type { IngestSummary } from "./ingest-summary.ts";

const COLUMNS = ["movie_id", "name", "country_of_origin", "release_date"];

describe("the domain's errors, as a caller sees them", () => {
  it("ValidationError lists every field and its message, in order, and keeps them", () => {
    const errors = [
      { field: "limit", message: "must be a whole number" },
      { field: "cursor", message: "must be the `next` of an earlier page" },
    ];
    const error = new ValidationError(errors);
    expect(error).toBeInstanceOf(MoviesError);
    expect(error.kind).toBe("validation");
    expect(error.name).toBe("ValidationError");
    expect(error.message).toBe(
      "limit: must be a whole number; cursor: must be the `next` of an earlier page",
    );
    expect(error.errors).toEqual(errors);
  });

  it("MovieNotFoundError names the movie", () => {
    const error = new MovieNotFoundError("mv7");
    expect(error.kind).toBe("not_found");
    expect(error.name).toBe("MovieNotFoundError");
    expect(error.message).toBe("movie mv7 does not exist");
    expect(error.movieId).toBe("mv7");
  });

  it("PreconditionFailedError names the movie whose state changed", () => {
    const error = new PreconditionFailedError("mv7");
    expect(error.kind).toBe("precondition_failed");
    expect(error.name).toBe("PreconditionFailedError");
    expect(error.message).toBe("movie mv7 is no longer in the state the request expected");
    expect(error.movieId).toBe("mv7");
  });

  it("StorageError keeps its message and cause", () => {
    const cause = new Error("throttled");
    const error = new StorageError("the store refused", { cause });
    expect(error.kind).toBe("storage");
    expect(error.name).toBe("StorageError");
    expect(error.message).toBe("the store refused");
    expect(error.cause).toBe(cause);
  });

  it("UnwrittenItemsError counts and lists the ids left unwritten, as a storage error", () => {
    const cause = new Error("throttled");
    const error = new UnwrittenItemsError(["mv1", "mv2"], { cause });
    expect(error).toBeInstanceOf(StorageError);
    expect(error.kind).toBe("storage");
    expect(error.name).toBe("UnwrittenItemsError");
    expect(error.message).toBe("2 movie infos left unwritten: mv1, mv2");
    expect(error.movieIds).toEqual(["mv1", "mv2"]);
    expect(error.cause).toBe(cause);
  });

  it("IngestIncompleteError carries the summary so far and the cause", () => {
    const summary: IngestSummary = {
      rowsRead: 3,
      written: 2,
      rejected: 1,
      duplicates: 0,
      headerRows: 1,
      blankRows: 0,
      rejects: [{ line: 3, reason: "name: must not be empty" }],
    };
    const error = new IngestIncompleteError("ingest stopped", summary, { cause: "deadline" });
    expect(error.kind).toBe("ingest_incomplete");
    expect(error.name).toBe("IngestIncompleteError");
    expect(error.message).toBe("ingest stopped");
    expect(error.summary).toBe(summary);
    expect(error.cause).toBe("deadline");
  });

  it("InvalidHeaderError names only the problems the header has", () => {
    const onlyUnknown = new InvalidHeaderError(1, COLUMNS, {
      unknown: ["title"],
      missing: [],
      repeated: [],
    });
    expect(onlyUnknown.kind).toBe("invalid_header");
    expect(onlyUnknown.name).toBe("InvalidHeaderError");
    expect(onlyUnknown.message).toBe(
      "the header on line 1 does not name the columns movie_id, name, country_of_origin, " +
        'release_date (in any order, once each): unknown column "title"',
    );
    const onlyRepeated = new InvalidHeaderError(2, COLUMNS, {
      unknown: [],
      missing: [],
      repeated: ["name"],
    });
    expect(onlyRepeated.message).toBe(
      "the header on line 2 does not name the columns movie_id, name, country_of_origin, " +
        "release_date (in any order, once each): column name named more than once",
    );
  });

  it("InvalidHeaderError lists every problem, each column counted, and keeps them apart", () => {
    const problems = {
      unknown: ["title", "year"],
      missing: ["name", "release_date"],
      repeated: ["movie_id"],
    };
    const error = new InvalidHeaderError(4, COLUMNS, problems);
    expect(error.message).toBe(
      "the header on line 4 does not name the columns movie_id, name, country_of_origin, " +
        'release_date (in any order, once each): unknown columns "title", "year"; ' +
        "missing columns name, release_date; column movie_id named more than once",
    );
    expect(error.line).toBe(4);
    expect(error.unknown).toEqual(["title", "year"]);
    expect(error.missing).toEqual(["name", "release_date"]);
    expect(error.repeated).toEqual(["movie_id"]);
  });
});
