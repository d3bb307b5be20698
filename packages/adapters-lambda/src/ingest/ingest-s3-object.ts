import { MetricUnit } from "@aws-lambda-powertools/metrics";
import { GetObjectCommand, PutObjectCommand, type S3Client } from "@aws-sdk/client-s3";
import {
  IngestIncompleteError,
  type IngestSummary,
  InvalidHeaderError,
  ingestMovieInfos,
  type MovieInfoRepo,
} from "@movies/domain";
import type { Logger } from "../observability/logger.ts";
import { INGEST_METRICS, type Metrics } from "../observability/metrics.ts";
import type { Snapshot, SnapshotLedger } from "../store/snapshot-ledger.ts";
import { reportKey, versionOf } from "../wiring.ts";
import {
  type CatalogueBody,
  catalogueRecords,
  UnreadableCatalogueError,
} from "./catalogue-records.ts";
import {
  type IngestReport,
  type IngestStatus,
  ingestReport,
  NOTHING_READ,
  type RunState,
} from "./ingest-report.ts";
import { exactVersion, type S3ObjectRef } from "./s3-object-ref.ts";

export interface IngestDeps {
  readonly s3: S3Client;
  readonly movieInfos: Pick<MovieInfoRepo, "putBatch">;
  readonly snapshots: Pick<SnapshotLedger, "isStale" | "recordCompleted">;
  readonly logger: Logger;
  readonly metrics: Metrics;
  readonly now?: () => Date;
  /** How often the `running` report is refreshed; default 5 s. */
  readonly progressEveryMs?: number;
}

const PROGRESS_EVERY_MS = 5_000;

/**
 * Streams one catalogue object into the table and writes its report: `running` at the start and
 * every few seconds, then how it ended. A stale snapshot, or an object gone or replaced before it
 * could be read, is skipped; a file refused as a whole is `rejected`; anything else that stops
 * the run before the end of the file rejects, after the failed report is written, so that Lambda
 * retries it (safe: every write is an upsert).
 */
export async function ingestS3Object(
  deps: IngestDeps,
  object: S3ObjectRef,
  signal?: AbortSignal,
): Promise<IngestReport> {
  const now = deps.now ?? (() => new Date());
  const startedAt = now();
  const earlier = await readReport(deps.s3, object);
  const reports = reportWriter(deps, object, earlier);
  const attempt = attemptAfter(earlier);
  const snapshot: Snapshot = {
    bucket: object.bucket,
    key: object.key,
    version: versionOf(object),
    eventTime: object.eventTime,
  };
  let body: CatalogueBody | undefined;
  const state = (
    status: IngestStatus,
    summary: IngestSummary = NOTHING_READ,
    words: { reason?: string; error?: string } = {},
  ): RunState => ({
    startedAt,
    attempt,
    status,
    summary,
    bytesRead: body?.bytesRead() ?? 0,
    bytesTotal: body?.bytesTotal ?? null,
    encoding: body?.format.encoding ?? null,
    delimiter: body?.format.delimiter ?? null,
    compression: body?.compression() ?? null,
    ...words,
  });
  const finish = async (run: RunState): Promise<IngestReport> => {
    const report = ingestReport(object, run, now());
    try {
      await reports.put(report);
    } finally {
      // Logged and counted even when the report cannot be written (the alarm still fires).
      const { rejects, ...counts } = report;
      deps.logger.info("ingest finished", { ...counts, rejects_kept: rejects.length });
      publishMetrics(deps.metrics, report, startedAt);
    }
    return report;
  };
  // Every run leaves a report: a failure outside the rows themselves (reading or recording the
  // newest snapshot, opening the object) fails the run loudly too, with its report.
  const fail = async (error: unknown, summary?: IngestSummary): Promise<never> => {
    deps.logger.error("ingest failed", error as Error);
    await finish(state("failed", summary, { error: failureReason(error, signal) })).catch(
      (reportError) => deps.logger.error("writing the failed report failed", reportError as Error),
    );
    throw error;
  };

  await reports.put(ingestReport(object, state("running"), now())).catch((error) => {
    deps.logger.warn("writing the running report failed", error as Error);
  });
  let stale: boolean;
  try {
    stale = await deps.snapshots.isStale(snapshot);
  } catch (error) {
    return fail(error);
  }
  if (stale) {
    // A redelivered event of a snapshot that was ingested before a newer one: its report already
    // says so, and must stay as it was (same object, same report) rather than turn stale.
    if (earlier?.status === "completed") {
      await reports.restore();
      deps.logger.info("ingest skipped: already completed, and a newer snapshot since");
      return earlier;
    }
    return finish(state("skipped_stale"));
  }
  try {
    body = await openObject(deps.s3, object, signal);
  } catch (error) {
    const reason = skipReason(error);
    if (reason !== undefined) return finish(state("skipped", NOTHING_READ, { reason }));
    return fail(error);
  }

  const progress = progressOf(deps, (summary) =>
    reports.put(ingestReport(object, state("running", summary), now())),
  );
  let summary: IngestSummary;
  try {
    summary = await ingestMovieInfos(
      progress.repo,
      progress.tap(body.records),
      signal ? { signal } : {},
    );
  } catch (error) {
    const partial = error instanceof IngestIncompleteError ? error.summary : undefined;
    const reason = fileRejection(error);
    if (reason !== undefined) return finish(state("rejected", partial, { reason }));
    return fail(error, partial);
  } finally {
    await progress.stop();
    body.close();
  }
  if (summary.rowsRead > 0 && summary.rejected === summary.rowsRead) {
    // Nothing of it was stored, so it is no newer snapshot than the one before it.
    const reason = `every one of its ${summary.rowsRead} data rows was rejected`;
    return finish(state("rejected", summary, { reason }));
  }
  try {
    await deps.snapshots.recordCompleted(snapshot, now());
  } catch (error) {
    // Every row is written, but a later snapshot would not know this one came first: the retry
    // writes the same rows again and records it.
    return fail(error, summary);
  }
  return finish(state("completed", summary));
}

/**
 * Writes this run's reports one after another (a late progress report never lands after the
 * final one), and never replaces a report that recorded written rows with one that records none:
 * a run that stored nothing must not hide what an earlier run of the same object stored.
 */
function reportWriter(deps: IngestDeps, object: S3ObjectRef, earlier: IngestReport | undefined) {
  let queue: Promise<unknown> = Promise.resolve();
  let last: IngestReport | undefined = earlier;
  const write = (report: IngestReport) =>
    deps.s3.send(
      new PutObjectCommand({
        Bucket: object.bucket,
        Key: reportKey(object),
        Body: JSON.stringify(report, null, 2),
        ContentType: "application/json",
      }),
    );
  return {
    put(report: IngestReport): Promise<IngestReport> {
      const keep = earlier !== undefined && earlier.written > 0 && report.written === 0;
      const done = queue.then(async () => {
        if (keep) return report;
        await write(report);
        last = report;
        return report;
      });
      queue = done.catch(() => undefined);
      return done;
    },
    /** Puts the earlier report back if this run replaced it with a progress report. */
    async restore(): Promise<void> {
      await queue;
      if (earlier !== undefined && last !== earlier) await write(earlier);
    },
  };
}

/** The report this object version already has, if any. */
export async function readReport(
  s3: S3Client,
  object: S3ObjectRef,
): Promise<IngestReport | undefined> {
  try {
    const { Body } = await s3.send(
      new GetObjectCommand({ Bucket: object.bucket, Key: reportKey(object) }),
    );
    return JSON.parse((await Body?.transformToString()) ?? "") as IngestReport;
  } catch {
    // No report yet (or it cannot be read): this is the first run of the object.
    return undefined;
  }
}

/** A run after a failed one (or one that never finished) is the next attempt; else the same. */
export function attemptAfter(earlier: IngestReport | undefined): number {
  const attempt = typeof earlier?.attempt === "number" ? earlier.attempt : 1;
  if (earlier === undefined) return 1;
  return earlier.status === "failed" || earlier.status === "running" ? attempt + 1 : attempt;
}

async function openObject(
  s3: S3Client,
  object: S3ObjectRef,
  signal: AbortSignal | undefined,
): Promise<CatalogueBody> {
  const { Body, ContentLength } = await s3.send(
    new GetObjectCommand({
      Bucket: object.bucket,
      Key: object.key,
      ...exactVersion(object),
    }),
    signal ? { abortSignal: signal } : {},
  );
  if (!Body) throw new Error(`s3://${object.bucket}/${object.key} has no body`);
  return catalogueRecords(
    Body as NodeJS.ReadableStream & AsyncIterable<Uint8Array>,
    ContentLength ?? null,
  );
}

/** Why the object cannot be read any more, when it is gone or replaced; else undefined. */
export function skipReason(error: unknown): string | undefined {
  const { name, $metadata } = (error ?? {}) as {
    name?: unknown;
    $metadata?: { httpStatusCode?: number };
  };
  const status = $metadata?.httpStatusCode;
  if (name === "PreconditionFailed" || status === 412) {
    return "the object was replaced by a newer upload before this run could read it; that upload is ingested on its own";
  }
  if (name === "NoSuchKey" || name === "NoSuchVersion" || name === "NotFound" || status === 404) {
    return "the object was deleted before this run could read it";
  }
  return undefined;
}

/**
 * Why the file is refused as a whole (its first row looks like a header but names unknown or
 * missing columns, or it is not the gzip stream it starts like), or undefined. Either may come
 * as the cause of an `IngestIncompleteError`.
 */
function fileRejection(error: unknown): string | undefined {
  for (let cause = error; cause instanceof Error; cause = cause.cause) {
    if (cause instanceof InvalidHeaderError) return cause.message;
    if (cause instanceof UnreadableCatalogueError) return cause.message;
  }
  return undefined;
}

function failureReason(error: unknown, signal: AbortSignal | undefined): string {
  if (signal?.aborted) {
    return "stopped before the time budget ran out; the retry starts again from the first row (rows written again are overwritten with the same values)";
  }
  if (error instanceof IngestIncompleteError) return error.message;
  return "the object could not be read or written; see the logs";
}

/**
 * The counts so far, for the `running` report: records as the reader gave them (a header counts
 * as a row until the end says otherwise) and rows the table confirmed. The final report has the
 * domain's exact counts.
 */
function progressOf(deps: IngestDeps, report: (summary: IngestSummary) => Promise<unknown>) {
  let rowsRead = 0;
  let rejected = 0;
  let blankRows = 0;
  let written = 0;
  const snapshot = (): IngestSummary => ({
    ...NOTHING_READ,
    rowsRead,
    rejected,
    blankRows,
    written,
  });
  let pending: Promise<unknown> = Promise.resolve();
  const timer = setInterval(() => {
    pending = report(snapshot()).catch((error) =>
      deps.logger.warn("writing the running report failed", error as Error),
    );
  }, deps.progressEveryMs ?? PROGRESS_EVERY_MS);
  timer.unref?.();
  return {
    repo: {
      putBatch: async (...args: Parameters<MovieInfoRepo["putBatch"]>) => {
        await deps.movieInfos.putBatch(...args);
        written += args[0].length;
      },
    },
    async *tap(records: CatalogueBody["records"]) {
      for await (const record of records) {
        if (record.rejected !== undefined) {
          rowsRead++;
          rejected++;
        } else if (record.fields.length === 1 && (record.fields[0] ?? "").trim() === "") {
          blankRows++;
        } else rowsRead++;
        yield record;
      }
    },
    async stop() {
      clearInterval(timer);
      await pending;
    },
  };
}

export function publishMetrics(metrics: Metrics, report: IngestReport, startedAt: Date): void {
  metrics.addMetric(INGEST_METRICS.rowsRead, MetricUnit.Count, report.rows_read);
  metrics.addMetric(INGEST_METRICS.rowsWritten, MetricUnit.Count, report.written);
  metrics.addMetric(INGEST_METRICS.rowsRejected, MetricUnit.Count, report.rejected);
  if (report.status === "failed") metrics.addMetric(INGEST_METRICS.failed, MetricUnit.Count, 1);
  metrics.addMetric(
    INGEST_METRICS.duration,
    MetricUnit.Milliseconds,
    Date.parse(report.updated_at) - startedAt.getTime(),
  );
  metrics.publishStoredMetrics();
}
