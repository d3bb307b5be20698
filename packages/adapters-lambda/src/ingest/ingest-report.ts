import type { IngestSummary, RejectedRow } from "@movies/domain";
import { REPORTS_PREFIX } from "../wiring.ts";
import type { S3ObjectRef } from "./s3-object-ref.ts";

export type IngestStatus = "completed" | "skipped_stale" | "failed";

/** The JSON report every ingest run writes under `reports/` (SPEC §4.1). */
export interface IngestReport {
  readonly bucket: string;
  readonly key: string;
  readonly version_id: string | null;
  readonly etag: string | null;
  readonly event_time: string;
  readonly started_at: string;
  readonly finished_at: string;
  readonly status: IngestStatus;
  readonly rows_read: number;
  readonly written: number;
  readonly rejected: number;
  readonly duplicates: number;
  readonly header_rows: number;
  readonly blank_rows: number;
  readonly rejects: readonly RejectedRow[];
  /** Why a failed run stopped, in words safe to show; the cause is in the logs. */
  readonly error?: string;
}

const NOTHING_READ: IngestSummary = {
  rowsRead: 0,
  written: 0,
  rejected: 0,
  duplicates: 0,
  headerRows: 0,
  blankRows: 0,
  rejects: [],
};

export function ingestReport(
  object: S3ObjectRef,
  run: { startedAt: Date; finishedAt: Date; status: IngestStatus; error?: string },
  summary: IngestSummary = NOTHING_READ,
): IngestReport {
  return {
    bucket: object.bucket,
    key: object.key,
    version_id: object.versionId ?? null,
    etag: object.eTag ?? null,
    event_time: object.eventTime,
    started_at: run.startedAt.toISOString(),
    finished_at: run.finishedAt.toISOString(),
    status: run.status,
    rows_read: summary.rowsRead,
    written: summary.written,
    rejected: summary.rejected,
    duplicates: summary.duplicates,
    header_rows: summary.headerRows,
    blank_rows: summary.blankRows,
    rejects: summary.rejects,
    ...(run.error !== undefined && { error: run.error }),
  };
}

/**
 * One report per object version, so a redelivered event rewrites its own report and a new
 * upload of the same key gets a new one. It ends in `.json`, so it never triggers an ingest.
 */
export function reportKey(object: S3ObjectRef): string {
  return `${REPORTS_PREFIX}${object.key}/${object.versionId ?? object.eTag ?? "unversioned"}.json`;
}
