import { encodeEventKey } from "@movies/local-aws";
import type { S3Event } from "aws-lambda";
import fc from "fast-check";
import { describe, expect, test } from "vitest";
import { s3CreatedEvent } from "../../test-kit/s3-created-event.ts";
import { csvObjectsOf, decodeS3Key } from "./s3-object-ref.ts";

describe("decodeS3Key", () => {
  test("`+` is a space and the rest is percent-decoded", () => {
    expect(decodeS3Key("my+movies.csv")).toBe("my movies.csv");
    expect(decodeS3Key("a%2Bb/c%20d%C3%A9.csv")).toBe("a+b/c dé.csv");
  });

  test("undoes S3's event encoding for any key", () => {
    fc.assert(
      fc.property(fc.string({ unit: "grapheme", minLength: 1, maxLength: 60 }), (key) => {
        expect(decodeS3Key(encodeEventKey(key))).toBe(key);
      }),
      { numRuns: 1000 },
    );
  });
});

describe("csvObjectsOf", () => {
  const event = (bucket: string, key: string): S3Event =>
    s3CreatedEvent(bucket, key, { eTag: "e1", eventTime: "2026-01-01T00:00:00.000Z" });

  test("keeps created .csv objects of the served bucket, decoded", () => {
    expect(csvObjectsOf(event("movie-infos", "my movies.csv"), "movie-infos")).toEqual([
      {
        bucket: "movie-infos",
        key: "my movies.csv",
        versionId: undefined,
        eTag: "e1",
        eventTime: "2026-01-01T00:00:00.000Z",
      },
    ]);
  });

  test("ignores other buckets, other suffixes, removals and the S3 test event", () => {
    const removed = event("movie-infos", "a.csv");
    const [record] = removed.Records;
    if (record) record.eventName = "ObjectRemoved:Delete";
    expect(csvObjectsOf(event("other", "a.csv"), "movie-infos")).toEqual([]);
    expect(csvObjectsOf(event("movie-infos", "reports/a.csv.json"), "movie-infos")).toEqual([]);
    expect(csvObjectsOf(removed, "movie-infos")).toEqual([]);
    expect(csvObjectsOf({ Event: "s3:TestEvent" }, "movie-infos")).toEqual([]);
  });

  test("takes .csv and .csv.gz keys in any letter case, never a report or another suffix", () => {
    const keys = (key: string) => csvObjectsOf(event("movie-infos", key), "movie-infos");
    for (const key of ["Movies.CSV", "a.Csv", "dump/movies.csv.gz", "M.CSV.GZ"]) {
      expect(keys(key).map((o) => o.key)).toEqual([key]);
    }
    for (const key of ["a.csv.json", "a.gz", "a.csvx", "reports/a.csv", "a.tsv", "csv"]) {
      expect(keys(key)).toEqual([]);
    }
  });
});
