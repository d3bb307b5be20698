import { gzipSync } from "node:zlib";
import { GetObjectCommand, ListObjectsV2Command, PutObjectCommand } from "@aws-sdk/client-s3";
import type { StartExecutionCommandInput } from "@aws-sdk/client-sfn";
import { lambdaContext } from "@movies/local-aws";
import { freshBucket } from "@movies/local-aws/test-kit";
import type { S3Event } from "aws-lambda";
import { describe, expect, test } from "vitest";
import { freshTable } from "../../test-kit/fresh-table.ts";
import { handlerEnv } from "../../test-kit/handler-env.ts";
import { s3CreatedEvent } from "../../test-kit/s3-created-event.ts";
import { ingestColdStart, movieStore } from "../clients.ts";
import type { IngestReport } from "../ingest/ingest-report.ts";
import { decodeS3Key } from "../ingest/s3-object-ref.ts";
import { ENV } from "../wiring.ts";
import { makeIngestMovieInfosHandler } from "./ingest-movie-infos.ts";

const { client, tableName } = await freshTable();
const { client: s3, bucket } = await freshBucket();
const handler = makeIngestMovieInfosHandler(ingestColdStart(handlerEnv({ tableName, bucket })));
const store = movieStore(client, tableName);

const SEED_CSV = `mv1,Interstellar,United States,2014-10-26
mv2,The Dark Knight Rises,United States,2012-07-16
mv3,The Prestige,United Kingdom,2006-10-17
`;

let clock = Date.parse("2026-01-01T00:00:00.000Z");
/** Event times that only move forward, so each upload is the newest snapshot unless told. */
function nextEventTime(): string {
  clock += 1000;
  return new Date(clock).toISOString();
}

async function upload(key: string, body: string | Uint8Array) {
  const put = await s3.send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: body }));
  return s3CreatedEvent(bucket, key, {
    eTag: put.ETag,
    eventTime: nextEventTime(),
    size: typeof body === "string" ? Buffer.byteLength(body) : body.byteLength,
  });
}

async function invoke(event: S3Event | { Event: string }) {
  await handler(event as S3Event, lambdaContext("ingest-movie-infos", 60_000));
}

async function reportOf(event: S3Event): Promise<IngestReport> {
  const object = event.Records[0]?.s3.object;
  const key = decodeS3Key(object?.key ?? "");
  const { Body } = await s3.send(
    new GetObjectCommand({ Bucket: bucket, Key: `reports/${key}/${object?.eTag}.json` }),
  );
  return JSON.parse((await Body?.transformToString()) ?? "") as IngestReport;
}

async function infoOf(movieId: string) {
  return (await store.movieInfos.findMovie(movieId))?.info;
}

describe("the seed's file", () => {
  test("ingests the three movies and reports them", async () => {
    const event = await upload("movie-infos.csv", SEED_CSV);
    await invoke(event);
    expect(await infoOf("mv1")).toEqual({
      movie_id: "mv1",
      name: "Interstellar",
      country_of_origin: "United States",
      release_date: "2014-10-26",
    });
    expect(await infoOf("mv3")).toMatchObject({ name: "The Prestige" });
    expect(await reportOf(event)).toMatchObject({
      bucket,
      key: "movie-infos.csv",
      status: "completed",
      rows_read: 3,
      written: 3,
      rejected: 0,
      duplicates: 0,
      rejects: [],
    });
  });
});

describe("CSV format", () => {
  test("BOM, CRLF, header, blank lines and quoted commas, quotes and line breaks", async () => {
    const csv =
      "\uFEFF Movie_ID , NAME,country_of_origin,Release_Date\r\n" +
      "\r\n" +
      'fmt-1,"Crouching Tiger, Hidden Dragon",Taiwan,2000-07-07\r\n' +
      'fmt-2,"The ""Best"" Movie",United States,1999-01-01\n' +
      "\n" +
      'fmt-3,"Two\r\nLines",France,2001-04-25\n' +
      "fmt-4,  Amélie  ,France,2001-04-25\r\n" +
      "fmt-5,千と千尋の神隠し,Japan,2001-07-20\n";
    const event = await upload("formats.csv", csv);
    await invoke(event);
    expect(await infoOf("fmt-1")).toMatchObject({ name: "Crouching Tiger, Hidden Dragon" });
    expect(await infoOf("fmt-2")).toMatchObject({ name: 'The "Best" Movie' });
    expect(await infoOf("fmt-3")).toMatchObject({ name: "Two\r\nLines" });
    expect(await infoOf("fmt-4")).toMatchObject({ name: "Amélie" });
    expect(await infoOf("fmt-5")).toMatchObject({
      name: "千と千尋の神隠し",
      country_of_origin: "Japan",
    });
    expect(await reportOf(event)).toMatchObject({
      status: "completed",
      rows_read: 5,
      written: 5,
      header_rows: 1,
      blank_rows: 2,
    });
  });

  test("bad rows are rejected with their line numbers and never stop the file", async () => {
    const csv = [
      "bad-1,Too,Few",
      "ok-1,Fine,Spain,2010-05-05",
      "bad-2,Impossible,Spain,2014-02-30",
      'bad-3,"Multi\nline",Spain,2014-02-31',
      "bad-4,Five,Fields,2010-05-05,extra",
      "ok-2,Also fine,Spain,2011-06-06",
    ].join("\n");
    const event = await upload("rejects.csv", csv);
    await invoke(event);
    const report = await reportOf(event);
    expect(report).toMatchObject({ status: "completed", rows_read: 6, written: 2, rejected: 4 });
    expect(report.rejects.map((r) => r.line)).toEqual([1, 3, 4, 6]);
    expect(report.rejects[0]?.reason).toMatch(/4 fields/);
    expect(report.rejects[1]?.reason).toMatch(/release_date/);
    expect(await infoOf("ok-2")).toBeDefined();
    expect(await infoOf("bad-2")).toBeUndefined();
  });

  test("a repeated id: the last row wins and the duplicate is counted", async () => {
    const csv =
      "dup-1,First,Italy,1990-01-01\ndup-2,Other,Italy,1990-01-01\ndup-1,Last,Italy,1991-01-01\n";
    const event = await upload("duplicates.csv", csv);
    await invoke(event);
    expect(await infoOf("dup-1")).toMatchObject({ name: "Last", release_date: "1991-01-01" });
    expect(await reportOf(event)).toMatchObject({ rows_read: 3, written: 2, duplicates: 1 });
  });

  test("ids that differ only in letter case are different movies, even in one batch", async () => {
    const csv =
      "Case-A,Upper,Peru,2003-03-03\ncase-a,Lower,Peru,2004-04-04\nCASE-A,Shout,Peru,2005-05-05\n";
    const event = await upload("letter-case.csv", csv);
    await invoke(event);
    expect(await reportOf(event)).toMatchObject({ status: "completed", written: 3, duplicates: 0 });
    expect(await infoOf("Case-A")).toMatchObject({ movie_id: "Case-A", name: "Upper" });
    expect(await infoOf("case-a")).toMatchObject({ movie_id: "case-a", name: "Lower" });
    expect(await infoOf("CASE-A")).toMatchObject({ movie_id: "CASE-A", name: "Shout" });
  });

  test("an object key with spaces and a plus sign arrives encoded and is decoded", async () => {
    const event = await upload("my movies+more.csv", "key-1,Spaced,Chile,2005-05-05\n");
    expect(event.Records[0]?.s3.object.key).toBe("my+movies%2Bmore.csv");
    await invoke(event);
    expect(await infoOf("key-1")).toMatchObject({ name: "Spaced" });
    expect(await reportOf(event)).toMatchObject({ key: "my movies+more.csv", written: 1 });
  });
});

describe("real-world files: damaged rows never stop an ingest, nothing is corrupted silently", () => {
  const rowsOf = (prefix: string, count: number) =>
    Array.from({ length: count }, (_, i) => `${prefix}-${i + 1},Movie ${i + 1},France,2001-01-01`);

  test("a 10-row file damaged on lines 2 and 8 stores its 8 good rows and lists both lines", async () => {
    const lines = rowsOf("dmg", 10);
    lines[1] = 'dmg-2,"Dr. Strangelove" or: How I Learned,UK,1964-01-29';
    lines[7] = 'dmg-8,"Never closed,UK,1964-01-29';
    const event = await upload("damaged.csv", `${lines.join("\n")}\n`);
    await invoke(event);
    const report = await reportOf(event);
    expect(report).toMatchObject({ status: "completed", rows_read: 10, written: 8, rejected: 2 });
    expect(report.rejects).toEqual([
      { line: 2, reason: expect.stringMatching(/text after a closing quote/) },
      { line: 8, reason: "a quote that is never closed" },
    ]);
    expect(await infoOf("dmg-9")).toMatchObject({ name: "Movie 9" });
    expect(await infoOf("dmg-2")).toBeUndefined();
  });

  test("a Windows-1252 file (Excel's CSV) keeps Amélie and says which encoding it read", async () => {
    const bytes = Buffer.concat([
      Buffer.from("enc-1,Am"),
      Buffer.of(0xe9),
      Buffer.from("lie,France,2001-04-25\r\nenc-2,Caf"),
      Buffer.of(0xe9, 0x20, 0x80),
      Buffer.from(",France,2002-01-01\r\n"),
    ]);
    const event = await upload("excel.csv", bytes);
    await invoke(event);
    expect(await infoOf("enc-1")).toMatchObject({ name: "Amélie" });
    expect(await infoOf("enc-2")).toMatchObject({ name: "Café €" });
    expect(await reportOf(event)).toMatchObject({ status: "completed", encoding: "windows-1252" });
  });

  test("a UTF-8 file with invalid bytes in one row rejects that row with the byte offset", async () => {
    const bytes = Buffer.concat([
      Buffer.from("inv-1,Amélie,France,2001-04-25\ninv-2,B"),
      Buffer.of(0xff),
      Buffer.from("d,France,2001-04-25\ninv-3,Ok,France,2001-04-25\n"),
    ]);
    const event = await upload("invalid-utf8.csv", bytes);
    await invoke(event);
    const report = await reportOf(event);
    expect(report).toMatchObject({ status: "completed", written: 2, encoding: "utf-8" });
    expect(report.rejects).toEqual([
      { line: 2, reason: "bytes that are not valid UTF-8 at byte offset 39" },
    ]);
    expect(await infoOf("inv-2")).toBeUndefined();
  });

  test("UTF-16 LE (Excel's Unicode text, tab-separated) is transcoded", async () => {
    const text =
      "\uFEFFmovie_id\tname\tcountry_of_origin\trelease_date\r\nu16-1\t千と千尋の神隠し\tJapan\t2001-07-20\r\n";
    const event = await upload("unicode.csv", Buffer.from(text, "utf16le"));
    await invoke(event);
    expect(await infoOf("u16-1")).toMatchObject({ name: "千と千尋の神隠し" });
    expect(await reportOf(event)).toMatchObject({
      status: "completed",
      written: 1,
      header_rows: 1,
      encoding: "utf-16le",
      delimiter: "\t",
    });
  });

  test("a ;-separated file with a header ingests and the report says so", async () => {
    const csv =
      "movie_id;name;country_of_origin;release_date\nsemi-1;Crouching Tiger, Hidden Dragon;Taiwan;2000-07-07\n";
    const event = await upload("semicolons.csv", csv);
    await invoke(event);
    expect(await infoOf("semi-1")).toMatchObject({ name: "Crouching Tiger, Hidden Dragon" });
    expect(await reportOf(event)).toMatchObject({
      status: "completed",
      delimiter: ";",
      written: 1,
    });
  });

  test("a .csv.gz object is decompressed while streaming; bytes_read counts compressed bytes", async () => {
    const gz = gzipSync(Buffer.from(`${rowsOf("gz", 500).join("\n")}\n`));
    const event = await upload("Movies.CSV.GZ", gz);
    await invoke(event);
    expect(await infoOf("gz-500")).toMatchObject({ name: "Movie 500" });
    expect(await reportOf(event)).toMatchObject({
      status: "completed",
      written: 500,
      compression: "gzip",
      bytes_read: gz.length,
      bytes_total: gz.length,
    });
  });

  test("a broken .csv.gz is rejected with the reason, not failed and retried", async () => {
    const gz = gzipSync(Buffer.from(`${rowsOf("badgz", 50).join("\n")}\n`));
    const event = await upload("broken.csv.gz", gz.subarray(0, gz.length - 20));
    await invoke(event);
    expect(await reportOf(event)).toMatchObject({
      status: "rejected",
      compression: "gzip",
      reason: expect.stringMatching(/^the object starts like gzip but is not a valid gzip stream/),
    });
  });

  test("a file whose every data row is rejected is reported rejected, and the invocation is not retried", async () => {
    const event = await upload("all-bad.csv", "x,Only,Three\ny,Also,Three\n");
    await invoke(event);
    expect(await reportOf(event)).toMatchObject({
      status: "rejected",
      rows_read: 2,
      rejected: 2,
      reason: "every one of its 2 data rows was rejected",
    });
  });
});

describe("event semantics", () => {
  test("the same event delivered twice leaves the same table and the same report", async () => {
    const event = await upload(
      "twice.csv",
      "tw-1,Once,Peru,2003-03-03\ntw-2,Twice,Peru,2004-04-04\n",
    );
    await invoke(event);
    const first = await reportOf(event);
    await invoke(event);
    const second = await reportOf(event);
    const counts = ({ started_at, updated_at, finished_at, ...rest }: IngestReport) => rest;
    expect(counts(second)).toEqual(counts(first));
    expect(await infoOf("tw-1")).toMatchObject({ name: "Once" });
  });

  test("an older snapshot's event arriving after a newer one is skipped as stale", async () => {
    const older = await upload("old.csv", "order-1,Old name,Peru,2003-03-03\n");
    const newer = await upload("new.csv", "order-1,New name,Peru,2003-03-03\n");
    await invoke(newer);
    await invoke(older);
    expect(await infoOf("order-1")).toMatchObject({ name: "New name" });
    expect(await reportOf(older)).toMatchObject({ status: "skipped_stale", rows_read: 0 });
  });

  test("ratings are never touched by ingestion", async () => {
    await invoke(await upload("rated.csv", "rated-1,Before,Peru,2003-03-03\n"));
    await store.ratings.update("rated-1", { rotten_tomatoes_rating: 77, imdb_rating: 66 });
    await invoke(await upload("rated-2.csv", "rated-1,After,Peru,2003-03-03\n"));
    expect(await store.movieInfos.findMovie("rated-1")).toEqual({
      info: {
        movie_id: "rated-1",
        name: "After",
        country_of_origin: "Peru",
        release_date: "2003-03-03",
      },
      rating: { rotten_tomatoes_rating: 77, imdb_rating: 66 },
    });
  });

  test("other buckets, non-.csv keys and the S3 test event are ignored", async () => {
    const before = await s3.send(new ListObjectsV2Command({ Bucket: bucket, Prefix: "reports/" }));
    await invoke({ Event: "s3:TestEvent" });
    const other = await upload("elsewhere.csv", "other-1,Other,Peru,2003-03-03\n");
    const record = other.Records[0];
    if (record) record.s3.bucket.name = "someone-elses-bucket";
    await invoke(other);
    await invoke(await upload("notes.txt", "txt-1,Text,Peru,2003-03-03\n"));
    expect(await infoOf("other-1")).toBeUndefined();
    expect(await infoOf("txt-1")).toBeUndefined();
    const after = await s3.send(new ListObjectsV2Command({ Bucket: bucket, Prefix: "reports/" }));
    expect(after.KeyCount).toBe(before.KeyCount);
  });

  test("a redelivered event of a snapshot since replaced by a newer one changes neither the table nor its report", async () => {
    const older = await upload("redelivered-old.csv", "redo-1,Old,Peru,2003-03-03\n");
    await invoke(older);
    const completed = await reportOf(older);
    expect(completed).toMatchObject({ status: "completed", written: 1 });
    await invoke(await upload("redelivered-new.csv", "redo-1,New,Peru,2004-04-04\n"));
    await invoke(older);
    expect(await infoOf("redo-1")).toMatchObject({ name: "New" });
    // Still the report of the run that ingested it, not "skipped_stale" over it.
    expect(await reportOf(older)).toEqual(completed);
  });

  test("one event with many records: only this bucket's created .csv objects (any letter case), each once", async () => {
    const csv = await upload("multi.csv", "multi-1,Mine,Peru,2003-03-03\n");
    const [mine] = csv.Records;
    if (!mine) throw new Error("no record");
    const variant = (
      change: (r: S3Event["Records"][number]) => void,
    ): S3Event["Records"][number] => {
      const copy = structuredClone(mine);
      change(copy);
      return copy;
    };
    const upper = await s3.send(
      new PutObjectCommand({
        Bucket: bucket,
        Key: "multi.CSV",
        Body: "multi-2,Upper,Peru,2003-03-03\n",
      }),
    );
    await s3.send(
      new PutObjectCommand({
        Bucket: bucket,
        Key: "multi.csv.bak",
        Body: "multi-3,Bak,Peru,2003-03-03\n",
      }),
    );
    const before = await s3.send(new ListObjectsV2Command({ Bucket: bucket, Prefix: "reports/" }));
    const event: S3Event = {
      Records: [
        mine,
        variant((r) => {
          r.s3.bucket.name = "someone-elses-bucket";
        }),
        variant((r) => {
          r.s3.object.key = "multi.CSV";
          r.s3.object.eTag = upper.ETag?.replaceAll('"', "") ?? "";
        }),
        variant((r) => {
          r.s3.object.key = "multi.csv.bak";
        }),
        variant((r) => {
          r.s3.object.key = "reports/multi.csv/x.json";
        }),
        variant((r) => {
          r.eventName = "ObjectRemoved:Delete";
        }),
        structuredClone(mine),
      ],
    };
    await invoke(event);
    expect(await infoOf("multi-1")).toMatchObject({ name: "Mine" });
    expect(await infoOf("multi-2")).toMatchObject({ name: "Upper" });
    expect(await infoOf("multi-3")).toBeUndefined();
    const after = await s3.send(new ListObjectsV2Command({ Bucket: bucket, Prefix: "reports/" }));
    expect((after.KeyCount ?? 0) - (before.KeyCount ?? 0)).toBe(2);
    expect(await reportOf(csv)).toMatchObject({ status: "completed", rows_read: 1, written: 1 });
  });

  test("an event for an object overwritten since is skipped; the newer upload's own event ingests it", async () => {
    const first = await upload("overwritten.csv", "over-1,First upload,Peru,2003-03-03\n");
    const second = await upload("overwritten.csv", "over-1,Second upload,Peru,2003-03-03\n");
    // The first event arrives late: its object is gone (unversioned bucket), so it reads nothing.
    await invoke(first);
    expect(await reportOf(first)).toMatchObject({
      status: "skipped",
      rows_read: 0,
      reason: expect.stringMatching(/replaced by a newer upload/),
    });
    expect(await infoOf("over-1")).toBeUndefined();
    await invoke(second);
    expect(await infoOf("over-1")).toMatchObject({ name: "Second upload" });
    await invoke(first);
    expect(await infoOf("over-1")).toMatchObject({ name: "Second upload" });
  });

  test("an object deleted before its run reads it is skipped, not failed (no retry)", async () => {
    const event = s3CreatedEvent(bucket, "vanished.csv", {
      eTag: "abc",
      eventTime: nextEventTime(),
    });
    await invoke(event);
    expect(await reportOf(event)).toMatchObject({
      status: "skipped",
      written: 0,
      attempt: 1,
      reason: "the object was deleted before this run could read it",
    });
  });
});

describe("a catalogue larger than the fan-out threshold", () => {
  test("starts the state machine's execution for it and ingests nothing itself; a small one stays inline", async () => {
    const env = {
      ...handlerEnv({ tableName, bucket }),
      [ENV.fanOutStateMachineArn]: "arn:aws:states:us-east-1:000000000000:stateMachine:fan-out",
      [ENV.fanOutThresholdBytes]: "100",
      [ENV.fanOutMaxConcurrency]: "7",
    };
    // A stand-in for Step Functions: it records the start; the execution itself runs in the
    // fan-out tests.
    const starts: { input: StartExecutionCommandInput }[] = [];
    const sfn = {
      send: async (command: { input: StartExecutionCommandInput }) => {
        starts.push(command);
        return {};
      },
    };
    const routed = makeIngestMovieInfosHandler({ ...ingestColdStart(env), sfn });
    const large = await upload("fan-out/large.csv", `${"tt9,Large,Peru,2001-01-01\n".repeat(10)}`);
    await routed(large, lambdaContext("ingest-movie-infos", 60_000));
    expect(starts.map((c) => c.input.stateMachineArn)).toEqual([env[ENV.fanOutStateMachineArn]]);
    expect(JSON.parse(starts[0]?.input.input ?? "")).toMatchObject({
      object: { bucket, key: "fan-out/large.csv" },
      max_concurrency: 7,
    });
    expect(await infoOf("tt9")).toBeUndefined();

    const small = await upload("fan-out/small.csv", "tt8,Small,Peru,2001-01-01\n");
    await routed(small, lambdaContext("ingest-movie-infos", 60_000));
    expect(starts).toHaveLength(1);
    expect((await reportOf(small)).status).toBe("completed");
  });
});
