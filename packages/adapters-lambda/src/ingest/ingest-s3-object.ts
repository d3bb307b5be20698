import { MetricUnit } from "@aws-lambda-powertools/metrics";
import { GetObjectCommand, PutObjectCommand, type S3Client } from "@aws-sdk/client-s3";
import {
  IngestIncompleteError,
  type IngestSummary,
  ingestMovieInfos,
  type MovieInfoRepo,
} from "@movies/domain";
import type { Logger } from "../observability/logger.ts";
import type { Metrics } from "../observability/metrics.ts";
import type { Snapshot, SnapshotLedger } from "../store/snapshot-ledger.ts";
import { csvRecords } from "./csv-records.ts";
import { type IngestReport, type IngestStatus, ingestReport, reportKey } from "./ingest-report.ts";
import type { S3ObjectRef } from "./s3-object-ref.ts";

export interface IngestDeps {
  readonly s3: S3Client;
  readonly movieInfos: Pick<MovieInfoRepo, "putBatch">;
  readonly snapshots: Pick<SnapshotLedger, "isStale" | "recordCompleted">;
  readonly logger: Logger;
  readonly metrics: Metrics;
  readonly now?: () => Date;
}

/**
 * Streams one CSV object into the table and writes its report. A stale snapshot is skipped;
 * anything that stops the run before the end of the file rejects, after the failed report is
 * written, so that Lambda retries it (safe: every write is an upsert).
 */
export async function ingestS3Object(
  deps: IngestDeps,
  object: S3ObjectRef,
  signal?: AbortSignal,
): Promise<IngestReport> {
  const now = deps.now ?? (() => new Date());
  const startedAt = now();
  const snapshot: Snapshot = {
    bucket: object.bucket,
    key: object.key,
    version: object.versionId ?? object.eTag ?? "unversioned",
    eventTime: object.eventTime,
  };
  const finish = async (status: IngestStatus, summary?: IngestSummary, error?: string) => {
    const report = ingestReport(
      object,
      { startedAt, finishedAt: now(), status, ...(error !== undefined && { error }) },
      summary,
    );
    await deps.s3.send(
      new PutObjectCommand({
        Bucket: object.bucket,
        Key: reportKey(object),
        Body: JSON.stringify(report, null, 2),
        ContentType: "application/json",
      }),
    );
    const { rejects, ...counts } = report;
    deps.logger.info("ingest finished", { ...counts, rejects_kept: rejects.length });
    publishMetrics(deps.metrics, report, startedAt);
    return report;
  };

  // Every run leaves a report (SPEC §4.1): a failure outside the rows themselves, reading or
  // recording the newest snapshot, fails the run loudly too, with its report.
  const fail = async (error: unknown, summary?: IngestSummary): Promise<never> => {
    deps.logger.error("ingest failed", error as Error);
    await finish("failed", summary, failureReason(error, signal)).catch((reportError) =>
      deps.logger.error("writing the failed report failed", reportError as Error),
    );
    throw error;
  };

  let stale: boolean;
  try {
    stale = await deps.snapshots.isStale(snapshot);
  } catch (error) {
    return fail(error);
  }
  if (stale) {
    // A redelivered event of a snapshot that was ingested before a newer one: its report already
    // says so, and must stay as it was (same object, same report) rather than turn stale.
    const earlier = await completedReport(deps.s3, object);
    if (earlier !== undefined) {
      deps.logger.info("ingest skipped: already completed, and a newer snapshot since");
      return earlier;
    }
    return finish("skipped_stale");
  }
  let summary: IngestSummary;
  try {
    summary = await streamIntoTable(deps, object, signal);
  } catch (error) {
    if (isOutdatedObject(error)) return finish("skipped_stale");
    return fail(error, error instanceof IngestIncompleteError ? error.summary : undefined);
  }
  try {
    await deps.snapshots.recordCompleted(snapshot, now());
  } catch (error) {
    // Every row is written, but a later snapshot would not know this one came first: the retry
    // writes the same rows again and records it.
    return fail(error, summary);
  }
  return finish("completed", summary);
}

async function streamIntoTable(
  deps: IngestDeps,
  object: S3ObjectRef,
  signal: AbortSignal | undefined,
): Promise<IngestSummary> {
  const { Body } = await deps.s3.send(
    new GetObjectCommand({
      Bucket: object.bucket,
      Key: object.key,
      // Read exactly the object the event announced, not whatever the key holds by now.
      ...(object.versionId ? { VersionId: object.versionId } : {}),
      ...(!object.versionId && object.eTag ? { IfMatch: `"${object.eTag}"` } : {}),
    }),
    signal ? { abortSignal: signal } : {},
  );
  if (!Body) throw new Error(`s3://${object.bucket}/${object.key} has no body`);
  const body = Body as NodeJS.ReadableStream & { destroy?: () => void };
  try {
    return await ingestMovieInfos(deps.movieInfos, csvRecords(body), signal ? { signal } : {});
  } finally {
    body.destroy?.();
  }
}

/** The report of an earlier completed run of this very object, if there is one. */
async function completedReport(
  s3: S3Client,
  object: S3ObjectRef,
): Promise<IngestReport | undefined> {
  try {
    const { Body } = await s3.send(
      new GetObjectCommand({ Bucket: object.bucket, Key: reportKey(object) }),
    );
    const report = JSON.parse((await Body?.transformToString()) ?? "") as IngestReport;
    return report.status === "completed" ? report : undefined;
  } catch {
    // No report yet (or it cannot be read): the stale snapshot gets its skipped report.
    return undefined;
  }
}

/** Overwritten since its event (unversioned bucket): its own newer event will follow. */
function isOutdatedObject(error: unknown): boolean {
  const { name, $metadata } = (error ?? {}) as {
    name?: unknown;
    $metadata?: { httpStatusCode?: number };
  };
  return name === "PreconditionFailed" || $metadata?.httpStatusCode === 412;
}

function failureReason(error: unknown, signal: AbortSignal | undefined): string {
  if (signal?.aborted) return "stopped before the time budget ran out; the retry resumes safely";
  if (error instanceof IngestIncompleteError) return error.message;
  return "the object could not be read or written; see the logs";
}

function publishMetrics(metrics: Metrics, report: IngestReport, startedAt: Date): void {
  metrics.addMetric("RowsRead", MetricUnit.Count, report.rows_read);
  metrics.addMetric("RowsWritten", MetricUnit.Count, report.written);
  metrics.addMetric("RowsRejected", MetricUnit.Count, report.rejected);
  metrics.addMetric(
    "IngestDuration",
    MetricUnit.Milliseconds,
    Date.parse(report.finished_at) - startedAt.getTime(),
  );
  metrics.publishStoredMetrics();
}
