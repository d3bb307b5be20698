/*
 * The ingest report as a person or the CLI watches it: `running` while the run goes, `attempt`
 * across retries, the `IngestsFailed` metric, and a later run never hiding the rows an earlier
 * one stored. Real S3 (local server) and DynamoDB Local; where a failure or a slow table is
 * needed, the real repository is wrapped (a test double the test names), since DynamoDB Local
 * cannot be told to fail one batch.
 */
import { GetObjectCommand, PutObjectCommand } from "@aws-sdk/client-s3";
import type { MovieInfo } from "@movies/domain";
import { freshBucket } from "@movies/local-aws/test-kit";
import { describe, expect, test, vi } from "vitest";
import { freshTable } from "../../test-kit/fresh-table.ts";
import { movieStore } from "../clients.ts";
import { createLogger } from "../observability/logger.ts";
import { createMetrics, INGEST_METRICS } from "../observability/metrics.ts";
import { reportKey } from "../wiring.ts";
import type { IngestReport } from "./ingest-report.ts";
import { type IngestDeps, ingestS3Object } from "./ingest-s3-object.ts";
import type { S3ObjectRef } from "./s3-object-ref.ts";

const { client: s3, bucket } = await freshBucket("movies-report");
const table = await freshTable("movies-report");
const store = movieStore(table.client, table.tableName);
let clock = Date.parse("2026-02-01T00:00:00.000Z");

function catalogue(prefix: string, rows: number): string {
  return Array.from({ length: rows }, (_, i) => `${prefix}-${i},Movie ${i},Peru,2001-01-01\n`).join(
    "",
  );
}

async function upload(key: string, body: string): Promise<S3ObjectRef> {
  const put = await s3.send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: body }));
  clock += 1000;
  return {
    bucket,
    key,
    versionId: undefined,
    eTag: put.ETag?.replaceAll('"', ""),
    eventTime: new Date(clock).toISOString(),
  };
}

async function reportOf(object: S3ObjectRef): Promise<IngestReport> {
  const { Body } = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: reportKey(object) }));
  return JSON.parse((await Body?.transformToString()) ?? "") as IngestReport;
}

function deps(overrides: Partial<IngestDeps> = {}): IngestDeps {
  return { s3, ...store, logger: createLogger(), metrics: createMetrics(), ...overrides };
}

/** TEST DOUBLE: the real repository, but each batch waits `ms` first. */
function slowRepo(ms: number): IngestDeps["movieInfos"] {
  return {
    putBatch: async (infos, options) => {
      await new Promise((resolve) => setTimeout(resolve, ms));
      await store.movieInfos.putBatch(infos, options);
    },
  };
}

/** TEST DOUBLE: the real repository, failing every batch after the first `good` ones. */
function failingRepo(good: number): IngestDeps["movieInfos"] {
  let batches = 0;
  return {
    putBatch: async (infos: readonly MovieInfo[], options) => {
      if (++batches > good) throw new Error("DynamoDB is down");
      await store.movieInfos.putBatch(infos, options);
    },
  };
}

describe("the running report", () => {
  test("is written at the start and refreshed with the counts so far, then replaced by the end", async () => {
    const csv = catalogue("prog", 200);
    const size = Buffer.byteLength(csv);
    const object = await upload("progress.csv", csv);
    // Every report the run writes, in order, as the real client sends it.
    const seen: IngestReport[] = [];
    const send = s3.send.bind(s3);
    const spy = vi.spyOn(s3, "send").mockImplementation(((command: unknown, options: unknown) => {
      if (command instanceof PutObjectCommand && command.input.Key === reportKey(object)) {
        seen.push(JSON.parse(String(command.input.Body)) as IngestReport);
      }
      return send(command as never, options as never);
    }) as typeof s3.send);
    const final = await ingestS3Object(
      deps({ movieInfos: slowRepo(60), progressEveryMs: 50 }),
      object,
    ).finally(() => spy.mockRestore());
    const running = seen.filter((r) => r.status === "running");
    expect(running.length).toBeGreaterThan(1);
    for (const report of running) expect(report).toMatchObject({ finished_at: null, attempt: 1 });
    // The first is written before the object is opened; its size is known from then on.
    expect(running.at(-1)?.bytes_total).toBe(size);
    expect(running.some((r) => r.written > 0 && r.written < 200)).toBe(true);
    expect(running.some((r) => r.bytes_read > 0)).toBe(true);
    expect(final).toMatchObject({ status: "completed", written: 200, bytes_read: size });
    expect(final.finished_at).not.toBeNull();
    expect(seen.at(-1)).toEqual(final);
    expect(await reportOf(object)).toEqual(final);
  });
});

describe("failed runs and their retries", () => {
  test("a failed run counts IngestsFailed once and says attempt 1; the retry that completes says attempt 2", async () => {
    const object = await upload("retried.csv", catalogue("retry", 120));
    const metrics = createMetrics();
    const added = vi.spyOn(metrics, "addMetric");
    await expect(
      ingestS3Object(deps({ movieInfos: failingRepo(1), metrics }), object),
    ).rejects.toThrow();
    expect(await reportOf(object)).toMatchObject({ status: "failed", attempt: 1 });
    expect(added).toHaveBeenCalledWith(INGEST_METRICS.failed, "Count", 1);

    added.mockClear();
    const retried = await ingestS3Object(deps({ metrics }), object);
    expect(retried).toMatchObject({ status: "completed", attempt: 2, written: 120 });
    expect(added).not.toHaveBeenCalledWith(INGEST_METRICS.failed, "Count", 1);
  });

  test("a failed run whose report cannot be written still counts IngestsFailed", async () => {
    const object = await upload("unreported.csv", catalogue("unrep", 60));
    const metrics = createMetrics();
    const added = vi.spyOn(metrics, "addMetric");
    // TEST DOUBLE: S3 refuses every report write (the real server cannot be told to).
    const send = s3.send.bind(s3);
    const refusing = Object.create(s3) as typeof s3;
    refusing.send = ((command: unknown, options: unknown) =>
      command instanceof PutObjectCommand
        ? Promise.reject(new Error("AccessDenied"))
        : send(command as never, options as never)) as typeof s3.send;
    await expect(
      ingestS3Object(deps({ s3: refusing, movieInfos: failingRepo(0), metrics }), object),
    ).rejects.toThrow();
    expect(added).toHaveBeenCalledWith(INGEST_METRICS.failed, "Count", 1);
  });

  test("a stale redelivery after a failed run that wrote rows keeps the report of those rows", async () => {
    const object = await upload("failed-then-stale.csv", catalogue("fts", 120));
    await expect(ingestS3Object(deps({ movieInfos: failingRepo(2) }), object)).rejects.toThrow();
    const failed = await reportOf(object);
    expect(failed).toMatchObject({ status: "failed" });
    expect(failed.written).toBeGreaterThan(0);
    // A newer snapshot is ingested; the old event comes back and is stale now.
    await ingestS3Object(deps(), await upload("newer.csv", catalogue("newer", 3)));
    const redelivered = await ingestS3Object(deps(), object);
    expect(redelivered).toMatchObject({ status: "skipped_stale", written: 0 });
    expect(await reportOf(object)).toEqual(failed);
  });

  test("a run stopped by its time budget says the retry starts again from the first row", async () => {
    const object = await upload("budget.csv", catalogue("budget", 300));
    const controller = new AbortController();
    const run = ingestS3Object(deps({ movieInfos: slowRepo(40) }), object, controller.signal);
    setTimeout(() => controller.abort(new Error("deadline")), 100);
    await expect(run).rejects.toThrow();
    const report = await reportOf(object);
    expect(report.status).toBe("failed");
    expect(report.error).toMatch(/retry starts again from the first row/);
  });
});
