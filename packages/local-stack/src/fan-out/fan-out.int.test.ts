/*
 * The whole fan-out on one machine: routing, then the deployed state machine definition run by
 * the local interpreter (local-fan-out.ts), its tasks bound to the fan-out steps, against the local
 * S3 server and DynamoDB Local. Checked against the catalogue's own construction (an oracle apart
 * from the reader) and against the inline ingest of the same bytes.
 */
import { PutObjectCommand } from "@aws-sdk/client-s3";
import { createLogger, createMetrics, movieStore, reportKey } from "@movies/adapters-lambda";
import {
  chunkResultKey,
  executionName,
  type FanOutDeps,
  type FanOutEvent,
  type FanOutPlan,
  getJson,
  INGEST_METRICS,
  type IngestReport,
  ingestS3Object,
  planKey,
  routeIngest,
  runFanOutStep,
  type S3ObjectRef,
  snapshotOf,
} from "@movies/adapters-lambda/fan-out";
import { fanOutCatalogue } from "@movies/adapters-lambda/test-kit/fan-out-catalogue";
import { freshTable } from "@movies/adapters-lambda/test-kit/fresh-table";
import { storedMovieInfos } from "@movies/adapters-lambda/test-kit/table-contents";
import { type FreshBucket, freshBucket } from "@movies/local-aws/test-kit";
import { describe, expect, test, vi } from "vitest";
import { failChunkOnce } from "./chunk-fault.ts";
import { LOCAL_FAN_OUT_ARN, localFanOut, localStepFunctions } from "./local-fan-out.ts";

const bucket = await freshBucket("movies-fan-out");
const inlineBucket = await freshBucket("movies-fan-out-inline");
let clock = Date.parse("2026-03-01T00:00:00.000Z");

// Small chunks and a low record limit, so that a small file makes many chunks quickly.
const CHUNKING = { targetRows: 250, maxRecordLength: 256 } as const;

const FILE = fanOutCatalogue({
  seed: 42,
  rows: 3000,
  encoding: "utf-8-bom",
  delimiter: ";",
  header: true,
  damage: 0.01,
  multiLine: 0.3,
  distinct: 0.5,
});

async function upload(into: FreshBucket, key: string, bytes: Uint8Array): Promise<S3ObjectRef> {
  const put = await into.client.send(
    new PutObjectCommand({ Bucket: into.bucket, Key: key, Body: bytes }),
  );
  clock += 1000;
  return {
    bucket: into.bucket,
    key,
    versionId: undefined,
    eTag: put.ETag?.replaceAll('"', ""),
    eventTime: new Date(clock).toISOString(),
  };
}

async function rig() {
  const table = await freshTable("movies-fan-out");
  const store = movieStore(table.client, table.tableName);
  const metrics = createMetrics();
  const deps: FanOutDeps = {
    s3: bucket.client,
    ...store,
    logger: createLogger(),
    metrics,
    chunking: CHUNKING,
  };
  return {
    table,
    store,
    deps,
    metrics,
    stored: () => storedMovieInfos(table.client, table.tableName, "tt"),
    report: (object: S3ObjectRef) =>
      getJson<IngestReport>(bucket.client, bucket.bucket, reportKey(object)),
  };
}

function counts(report: IngestReport) {
  const { rows_read, written, rejected, duplicates, header_rows, blank_rows, rejects } = report;
  return { rows_read, written, rejected, duplicates, header_rows, blank_rows, rejects };
}

/** The inline ingest of the same bytes, in a bucket and table of its own. */
async function inlineReport(key: string, bytes: Uint8Array): Promise<IngestReport> {
  const table = await freshTable("movies-fan-out-inline");
  const object = await upload(inlineBucket, key, bytes);
  return ingestS3Object(
    {
      s3: inlineBucket.client,
      ...movieStore(table.client, table.tableName),
      logger: createLogger(),
      metrics: createMetrics(),
    },
    object,
  );
}

describe("a catalogue above the threshold", () => {
  test("fans out into chunks whose result equals the oracle and the inline ingest, a chunk fault retried alone", async () => {
    const { deps, stored, report, metrics } = await rig();
    const object = await upload(bucket, "big/catalogue.csv", FILE.bytes);
    // FAULT INJECTION: the fourth chunk's first run fails (a Lambda crash, say); Step Functions
    // retries that chunk alone.
    let beforeFinish: IngestReport | undefined;
    const { runs, invoke } = failChunkOnce(3, async (event: FanOutEvent) => {
      if (event.step === "finish") beforeFinish = await report(object);
      return runFanOutStep(deps, event);
    });
    const sfn = localStepFunctions(localFanOut(invoke));
    const addMetric = vi.spyOn(metrics, "addMetric");
    const route = {
      s3: bucket.client,
      sfn,
      snapshots: deps.snapshots,
      fanOut: {
        stateMachineArn: LOCAL_FAN_OUT_ARN,
        thresholdBytes: 10_000,
        maxConcurrency: 4,
      },
    };

    expect(await routeIngest(route, object)).toBe("fan-out");
    // A redelivered event names the same execution: nothing new starts.
    expect(await routeIngest(route, object)).toBe("fan-out");
    const execution = await sfn.execution(executionName(object));
    expect(execution?.status).toBe("SUCCEEDED");

    const plan = await getJson<FanOutPlan>(bucket.client, bucket.bucket, planKey(object));
    expect(plan.chunks.length).toBeGreaterThanOrEqual(8);
    // Some chunk starts right after a record whose quoted name spans two lines: cutting by line
    // count one line earlier would have split it.
    const cutAfterMultiLine = plan.chunks.some((chunk) =>
      FILE.multiLineRecords.includes(chunk.first_line - 2),
    );
    expect(cutAfterMultiLine).toBe(true);
    expect([...runs.values()].reduce((a, b) => a + b, 0)).toBe(plan.chunks.length + 1);
    expect(runs.get(3)).toBe(2);

    // While it ran, the report said so, with the chunks and rows done.
    expect(beforeFinish).toMatchObject({
      status: "running",
      chunks_total: plan.chunks.length,
      chunks_done: plan.chunks.length,
      rows_read: FILE.rowsRead,
      finished_at: null,
    });

    expect(await stored()).toEqual(FILE.expected);
    const final = await report(object);
    expect(final.status).toBe("completed");
    expect(final.chunks_total).toBe(plan.chunks.length);
    expect(final.chunks_done).toBe(plan.chunks.length);
    expect(final.encoding).toBe("utf-8");
    expect(final.delimiter).toBe(";");
    expect(final.rows_read).toBe(FILE.rowsRead);
    expect(final.duplicates).toBe(FILE.duplicates);
    expect(final.rejects.map((r) => r.line)).toEqual(FILE.rejectedLines);
    expect(final.written).toBe(FILE.expected.size);
    const inline = await inlineReport("big/catalogue.csv", FILE.bytes);
    expect(inline.status).toBe("completed");
    expect(counts(final)).toEqual(counts(inline));
    expect(addMetric).toHaveBeenCalledWith(INGEST_METRICS.rowsWritten, "Count", FILE.expected.size);
    expect(addMetric).not.toHaveBeenCalledWith(INGEST_METRICS.failed, "Count", 1);
    // The newest snapshot is recorded: an older event of the key is stale now.
    expect(
      await deps.snapshots.isStale({
        ...object,
        version: "older",
        eventTime: "2020-01-01T00:00:00.000Z",
      }),
    ).toBe(true);
  });

  test("a chunk that fails after its retries fails the execution with a failed report; a rerun completes it", async () => {
    const { deps, stored, report, metrics } = await rig();
    const file = fanOutCatalogue({ seed: 9, rows: 1200, distinct: 0.4 });
    const object = await upload(bucket, "big/failing.csv", file.bytes);
    let broken = true;
    // FAULT INJECTION: chunk 2 fails on every try while `broken` (DynamoDB down for it, say).
    const invoke = async (event: FanOutEvent) => {
      if (broken && event.step === "chunk" && event.chunk.index === 2) {
        throw new Error("DynamoDB is down");
      }
      return runFanOutStep(deps, event);
    };
    const addMetric = vi.spyOn(metrics, "addMetric");
    const machine = localFanOut(invoke);
    const failed = await machine.run({ object, max_concurrency: 3 });
    expect(failed.status).toBe("FAILED");
    const failedReport = await report(object);
    expect(failedReport.status).toBe("failed");
    expect(failedReport.error).toContain("could not be ingested after its retries");
    expect(failedReport.chunks_done).toBeLessThan(failedReport.chunks_total ?? 0);
    expect(addMetric).toHaveBeenCalledWith(INGEST_METRICS.failed, "Count", 1);
    await expect(
      getJson(bucket.client, bucket.bucket, chunkResultKey(object, 2)),
    ).rejects.toThrow();

    broken = false;
    const rerun = await machine.run({ object, max_concurrency: 3 });
    expect(rerun.status).toBe("SUCCEEDED");
    const completed = await report(object);
    expect(completed.status).toBe("completed");
    expect(completed.attempt).toBe(failedReport.attempt + 1);
    expect(completed.duplicates).toBe(file.duplicates);
    expect(await stored()).toEqual(file.expected);
  });

  test("a newer upload ingested while an older file fans out: the older file's later chunks write nothing and it ends skipped_stale", async () => {
    const { deps, stored, report } = await rig();
    const file = fanOutCatalogue({ seed: 5, rows: 1200, distinct: 0.6 });
    const object = await upload(bucket, "big/overtaken.csv", file.bytes);
    // The newer upload's inline ingest completes just before chunk 2 starts (one chunk at a time).
    const newer = {
      ...snapshotOf(object),
      version: "newer",
      eventTime: "2030-01-01T00:00:00.000Z",
    };
    const written: number[] = [];
    const invoke = async (event: FanOutEvent) => {
      if (event.step === "chunk" && event.chunk.index === 2) {
        await deps.snapshots.recordCompleted(newer, new Date());
      }
      const result = await runFanOutStep(deps, event);
      if (event.step === "chunk") written.push(event.chunk.index);
      return result;
    };
    const run = await localFanOut(invoke).run({ object, max_concurrency: 1 });
    expect(run.status).toBe("SUCCEEDED");
    const final = await report(object);
    expect(final.status).toBe("skipped_stale");
    expect(final.chunks_done).toBe(final.chunks_total);
    const plan = await getJson<FanOutPlan>(bucket.client, bucket.bucket, planKey(object));
    expect(written).toHaveLength(plan.chunks.length);
    // Only the rows of chunks 0 and 1 (those that started before) reached the table.
    expect(final.rows_read).toBe((plan.chunk_rows[0] ?? 0) + (plan.chunk_rows[1] ?? 0));
    expect((await stored()).size).toBe(final.written);
    // The newer snapshot stays the newest.
    expect(await deps.snapshots.isStale(snapshotOf(object))).toBe(true);
  });

  test("below the threshold, or without a state machine, the object stays inline", async () => {
    const { deps } = await rig();
    const object = await upload(bucket, "small.csv", fanOutCatalogue({ seed: 1, rows: 10 }).bytes);
    const sfn = { send: vi.fn() };
    const route = { s3: bucket.client, sfn, snapshots: deps.snapshots };
    const fanOut = { stateMachineArn: "arn", thresholdBytes: 1_000_000, maxConcurrency: 2 };
    expect(await routeIngest({ ...route, fanOut }, object)).toBe("inline");
    expect(
      await routeIngest(
        { ...route, fanOut: { ...fanOut, stateMachineArn: undefined, thresholdBytes: 1 } },
        object,
      ),
    ).toBe("inline");
    expect(sfn.send).not.toHaveBeenCalled();
  });

  test("a file whose header names unknown columns ends at the plan, rejected, and nothing is written", async () => {
    const { deps, stored, report } = await rig();
    const csv = "movie_id;title;country_of_origin;release_date\ntt1;A;Peru;2001-01-01\n";
    const object = await upload(bucket, "big/bad-header.csv", new TextEncoder().encode(csv));
    const result = await localFanOut((event) => runFanOutStep(deps, event)).run({
      object,
      max_concurrency: 2,
    });
    expect(result.status).toBe("SUCCEEDED");
    const rejected = await report(object);
    expect(rejected.status).toBe("rejected");
    expect(rejected.reason).toContain("title");
    expect((await stored()).size).toBe(0);
  });
});

describe("executionName", () => {
  test("is a valid Step Functions name, one per object version", () => {
    const object: S3ObjectRef = {
      bucket: "b",
      key: `${"imports/2026/très long name with spaces & symbols ".repeat(5)}.csv`,
      versionId: "v1",
      eTag: undefined,
      eventTime: "2026-01-01T00:00:00.000Z",
    };
    const name = executionName(object);
    expect(name).toMatch(/^[A-Za-z0-9_-]{1,80}$/);
    expect(executionName(object)).toBe(name);
    expect(executionName({ ...object, versionId: "v2" })).not.toBe(name);
    expect(executionName({ ...object, bucket: "other" })).not.toBe(name);
  });
});
