import { GetObjectCommand, ListObjectsV2Command, type S3Client } from "@aws-sdk/client-s3";
import {
  type IngestSummary,
  InvalidHeaderError,
  ingestMovieInfos,
  type RejectedRow,
} from "@movies/domain";
import { reportKey } from "../../wiring.ts";
import { csvRecords } from "../csv-records.ts";
import {
  type IngestReport,
  type IngestStatus,
  ingestReport,
  NOTHING_READ,
} from "../ingest-report.ts";
import {
  attemptAfter,
  type IngestDeps,
  publishMetrics,
  readReport,
  skipReason,
} from "../ingest-s3-object.ts";
import { exactVersion, type S3ObjectRef } from "../s3-object-ref.ts";
import {
  type ChunkRef,
  type ChunkResult,
  chunkResultKey,
  chunkResultsPrefix,
  type FanOutPlan,
  planKey,
  type SupersededIds,
  snapshotOf,
  supersededKey,
} from "./fan-out-layout.ts";
import { type ChunkingOptions, NotSplittableError, planChunks } from "./plan-chunks.ts";
import { getJson, putJson } from "./s3-json.ts";

/** What the inline ingest needs, and how the plan cuts chunks (tests and the bench lower it). */
export type FanOutDeps = Omit<IngestDeps, "progressEveryMs"> & {
  readonly chunking?: ChunkingOptions;
};

/** What the plan step returns into the state: the chunks, or that the run already ended. */
export type PlanOutcome =
  | { readonly done: false; readonly chunks: readonly ChunkRef[] }
  | { readonly done: true; readonly status: IngestStatus };

const MAX_REJECTS = 1000;

/**
 * The plan step: reads the object once and writes what each chunk needs under the fan-out
 * prefix. A stale snapshot, an object gone or replaced, a file refused as a whole (a bad header,
 * a gzip object) end the run here with their report, as they would inline.
 */
export async function planFanOut(deps: FanOutDeps, object: S3ObjectRef): Promise<PlanOutcome> {
  const now = deps.now ?? (() => new Date());
  const startedAt = now();
  const earlier = await readReport(deps.s3, object);
  const attempt = attemptAfter(earlier);
  const report = (status: IngestStatus, extra: Partial<ReportExtra> = {}) =>
    writeReport(deps, object, { startedAt, attempt, status, ...extra });
  await report("running");
  const end = async (status: IngestStatus, extra: Partial<ReportExtra>): Promise<PlanOutcome> => {
    publishMetrics(deps.metrics, await report(status, extra), startedAt);
    return { done: true, status };
  };
  if (await deps.snapshots.isStale(snapshotOf(object))) return end("skipped_stale", {});
  let body: AsyncIterable<Uint8Array> & { destroy?: () => void };
  let size: number;
  try {
    const got = await deps.s3.send(
      new GetObjectCommand({ Bucket: object.bucket, Key: object.key, ...exactVersion(object) }),
    );
    if (!got.Body) throw new Error(`s3://${object.bucket}/${object.key} has no body`);
    body = got.Body as typeof body;
    size = got.ContentLength ?? 0;
  } catch (error) {
    const reason = skipReason(error);
    if (reason !== undefined) return end("skipped", { reason });
    throw error;
  }
  let planned: Awaited<ReturnType<typeof planChunks>>;
  try {
    planned = await planChunks(body, { ...deps.chunking, size });
  } catch (error) {
    if (error instanceof InvalidHeaderError || error instanceof NotSplittableError) {
      return end("rejected", { reason: error.message, bytesTotal: size });
    }
    throw error;
  } finally {
    body.destroy?.();
  }
  const plan: FanOutPlan = {
    object,
    size,
    encoding: planned.encoding,
    delimiter: planned.delimiter,
    column_order: planned.columnOrder,
    max_record_length: deps.chunking?.maxRecordLength ?? null,
    chunks: planned.chunks,
    chunk_rows: planned.chunkRows,
    started_at: startedAt.toISOString(),
    attempt,
  };
  await putJson(
    deps.s3,
    object.bucket,
    supersededKey(object),
    Object.fromEntries(planned.superseded),
  );
  await putJson(deps.s3, object.bucket, planKey(object), plan);
  await report("running", { plan, done: 0 });
  deps.logger.info("ingest fanned out", {
    key: object.key,
    chunks: plan.chunks.length,
    superseded_ids: planned.superseded.size,
  });
  return { done: false, chunks: plan.chunks };
}

/**
 * The chunk step: the ingest's own code over exactly the chunk's bytes of exactly that object
 * version. Running it twice writes the same items and the same result.
 */
export async function ingestChunk(
  deps: FanOutDeps,
  object: S3ObjectRef,
  chunk: ChunkRef,
  signal?: AbortSignal,
): Promise<{ readonly index: number; readonly rows_read: number }> {
  const plan = await getJson<FanOutPlan>(deps.s3, object.bucket, planKey(object));
  // While this file fans out, the ingest function is free: a newer upload may have been ingested
  // meanwhile. Its rows must not be rolled back by this older file's later chunks.
  if (await deps.snapshots.isStale(snapshotOf(object))) {
    const result: ChunkResult = { index: chunk.index, summary: NOTHING_READ, stale: true };
    await putJson(deps.s3, object.bucket, chunkResultKey(object, chunk.index), result);
    return { index: chunk.index, rows_read: 0 };
  }
  const superseded = await getJson<SupersededIds>(deps.s3, object.bucket, supersededKey(object));
  const lastChunkOf = new Map(Object.entries(superseded));
  const later = { has: (id: string) => (lastChunkOf.get(id) ?? -1) > chunk.index };
  let summary: IngestSummary = NOTHING_READ;
  if (chunk.last_byte >= chunk.first_byte) {
    const { Body } = await deps.s3.send(
      new GetObjectCommand({
        Bucket: object.bucket,
        Key: object.key,
        ...exactVersion(object),
        Range: `bytes=${chunk.first_byte}-${chunk.last_byte}`,
      }),
      signal ? { abortSignal: signal } : {},
    );
    const body = Body as AsyncIterable<Uint8Array> & { destroy?: () => void };
    const first = chunk.index === 0;
    try {
      const records = csvRecords(body, {
        delimiter: plan.delimiter,
        ...(plan.max_record_length !== null && { maxRecordLength: plan.max_record_length }),
        ...(!first && {
          part: {
            encoding: plan.encoding,
            byteOffset: chunk.first_byte,
            firstLine: chunk.first_line,
          },
        }),
      });
      summary = await ingestMovieInfos(deps.movieInfos, records, {
        ...(!first && { columnOrder: plan.column_order }),
        supersededIds: later,
        ...(signal && { signal }),
      });
    } finally {
      body.destroy?.();
    }
  }
  const result: ChunkResult = { index: chunk.index, summary };
  await putJson(deps.s3, object.bucket, chunkResultKey(object, chunk.index), result);
  // Progress for people watching; the finish step writes the exact counts.
  try {
    await reportProgress(deps, object, plan);
  } catch (error) {
    deps.logger.warn("writing the running report failed", error as Error);
  }
  return { index: chunk.index, rows_read: summary.rowsRead };
}

/**
 * A `running` report with the chunks done so far, unless the run already ended: a chunk still in
 * flight when the execution failed (Step Functions stops the map, not a running invocation) must
 * not turn the `failed` report back into `running`. The write is conditional on the report read,
 * so a final report written in between wins too.
 */
async function reportProgress(deps: FanOutDeps, object: S3ObjectRef, plan: FanOutPlan) {
  const current = await deps.s3.send(
    new GetObjectCommand({ Bucket: object.bucket, Key: reportKey(object) }),
  );
  const shown = JSON.parse((await current.Body?.transformToString()) ?? "") as IngestReport;
  if (shown.status !== "running" || shown.attempt !== plan.attempt) return;
  const done = await doneChunks(deps.s3, object);
  const report = buildReport(deps, object, {
    startedAt: new Date(plan.started_at),
    attempt: plan.attempt,
    status: "running",
    plan,
    done: done.length,
    summary: {
      ...NOTHING_READ,
      rowsRead: done.reduce((rows, index) => rows + (plan.chunk_rows[index] ?? 0), 0),
    },
  });
  await putJson(deps.s3, object.bucket, reportKey(object), report, current.ETag);
}

/**
 * The finish step: one report with the exact counts of all chunks (their rejected rows in line
 * order, the first 1000), the snapshot recorded, the metrics.
 */
export async function finishFanOut(deps: FanOutDeps, object: S3ObjectRef): Promise<IngestReport> {
  const now = deps.now ?? (() => new Date());
  const plan = await getJson<FanOutPlan>(deps.s3, object.bucket, planKey(object));
  const results = await chunkResults(deps.s3, object, plan);
  if (results.length !== plan.chunks.length) {
    throw new Error(`only ${results.length} of ${plan.chunks.length} chunks have a result`);
  }
  const summary = sumOf(results);
  const startedAt = new Date(plan.started_at);
  const base = { startedAt, attempt: plan.attempt, plan, done: results.length, summary };
  let report: IngestReport;
  if (
    results.some((result) => result.stale) ||
    (await deps.snapshots.isStale(snapshotOf(object)))
  ) {
    // A newer snapshot completed while this one ran: what it did is counted, nothing recorded.
    report = await writeReport(deps, object, { ...base, status: "skipped_stale" });
  } else if (summary.rowsRead > 0 && summary.rejected === summary.rowsRead) {
    const reason = `every one of its ${summary.rowsRead} data rows was rejected`;
    report = await writeReport(deps, object, { ...base, status: "rejected", reason });
  } else {
    await deps.snapshots.recordCompleted(snapshotOf(object), now());
    report = await writeReport(deps, object, { ...base, status: "completed" });
  }
  logFinished(deps, report);
  publishMetrics(deps.metrics, report, startedAt);
  return report;
}

/**
 * The step the state machine runs when a chunk failed after its retries: a `failed` report with
 * what the finished chunks did, and the IngestsFailed metric. Running the object again is safe.
 */
export async function failFanOut(
  deps: FanOutDeps,
  object: S3ObjectRef,
  cause: { readonly Error?: string; readonly Cause?: string } = {},
): Promise<IngestReport> {
  const plan = await getJson<FanOutPlan>(deps.s3, object.bucket, planKey(object)).catch(
    () => undefined,
  );
  const results = plan ? await chunkResults(deps.s3, object, plan) : [];
  const startedAt = plan ? new Date(plan.started_at) : (deps.now ?? (() => new Date()))();
  deps.logger.error("ingest fan-out failed", { error: cause.Error, cause: cause.Cause });
  const report = buildReport(deps, object, {
    startedAt,
    attempt: plan?.attempt ?? 1,
    status: "failed",
    ...(plan && { plan }),
    done: results.length,
    summary: sumOf(results),
    error: `a part of the file could not be ingested after its retries (${cause.Error ?? "unknown error"}); see the logs`,
  });
  try {
    await putJson(deps.s3, object.bucket, reportKey(object), report);
  } finally {
    // Counted even when the report cannot be written: the failed-ingest alarm still fires.
    logFinished(deps, report);
    publishMetrics(deps.metrics, report, startedAt);
  }
  return report;
}

interface ReportExtra {
  readonly startedAt: Date;
  readonly attempt: number;
  readonly status: IngestStatus;
  readonly plan: FanOutPlan;
  readonly done: number;
  readonly summary: IngestSummary;
  readonly reason: string;
  readonly error: string;
  readonly bytesTotal: number;
}

type ReportRun = Pick<ReportExtra, "startedAt" | "attempt" | "status"> & Partial<ReportExtra>;

async function writeReport(
  deps: FanOutDeps,
  object: S3ObjectRef,
  run: ReportRun,
): Promise<IngestReport> {
  const report = buildReport(deps, object, run);
  await putJson(deps.s3, object.bucket, reportKey(object), report);
  return report;
}

function buildReport(deps: FanOutDeps, object: S3ObjectRef, run: ReportRun): IngestReport {
  const { plan } = run;
  const final = run.status !== "running";
  return ingestReport(
    object,
    {
      startedAt: run.startedAt,
      attempt: run.attempt,
      status: run.status,
      summary: run.summary ?? NOTHING_READ,
      bytesRead: plan && final ? plan.size : 0,
      bytesTotal: plan?.size ?? run.bytesTotal ?? null,
      encoding: plan?.encoding ?? null,
      delimiter: plan?.delimiter ?? null,
      compression: null,
      ...(plan && { chunks: { total: plan.chunks.length, done: run.done ?? 0 } }),
      ...(run.reason !== undefined && { reason: run.reason }),
      ...(run.error !== undefined && { error: run.error }),
    },
    (deps.now ?? (() => new Date()))(),
  );
}

function logFinished(deps: FanOutDeps, report: IngestReport): void {
  const { rejects, ...counts } = report;
  deps.logger.info("ingest finished", { ...counts, rejects_kept: rejects.length });
}

/** The indexes of the chunks that wrote their result. */
async function doneChunks(s3: S3Client, object: S3ObjectRef): Promise<number[]> {
  const prefix = chunkResultsPrefix(object);
  const done: number[] = [];
  let token: string | undefined;
  do {
    const listed = await s3.send(
      new ListObjectsV2Command({
        Bucket: object.bucket,
        Prefix: prefix,
        ...(token && { ContinuationToken: token }),
      }),
    );
    for (const { Key } of listed.Contents ?? []) {
      const index = Number.parseInt(Key?.slice(prefix.length) ?? "", 10);
      if (Number.isInteger(index)) done.push(index);
    }
    token = listed.IsTruncated ? listed.NextContinuationToken : undefined;
  } while (token !== undefined);
  return done.sort((a, b) => a - b);
}

async function chunkResults(
  s3: S3Client,
  object: S3ObjectRef,
  plan: FanOutPlan,
): Promise<ChunkResult[]> {
  const done = (await doneChunks(s3, object)).filter((index) => index < plan.chunks.length);
  const results: ChunkResult[] = [];
  // A few at a time: a thousand chunks are a thousand small GETs.
  for (let at = 0; at < done.length; at += 32) {
    const batch = done.slice(at, at + 32);
    results.push(
      ...(await Promise.all(
        batch.map((index) =>
          getJson<ChunkResult>(s3, object.bucket, chunkResultKey(object, index)),
        ),
      )),
    );
  }
  return results;
}

/** The chunks' summaries added up; chunks are in line order, so their rejects are too. */
export function sumOf(results: readonly ChunkResult[]): IngestSummary {
  const rejects: RejectedRow[] = [];
  let rowsRead = 0;
  let written = 0;
  let rejected = 0;
  let duplicates = 0;
  let headerRows = 0;
  let blankRows = 0;
  for (const { summary } of [...results].sort((a, b) => a.index - b.index)) {
    rowsRead += summary.rowsRead;
    written += summary.written;
    rejected += summary.rejected;
    duplicates += summary.duplicates;
    headerRows += summary.headerRows;
    blankRows += summary.blankRows;
    for (const reject of summary.rejects) if (rejects.length < MAX_REJECTS) rejects.push(reject);
  }
  return { rowsRead, written, rejected, duplicates, headerRows, blankRows, rejects };
}
