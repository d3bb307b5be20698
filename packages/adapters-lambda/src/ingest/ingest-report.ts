import type { IngestSummary, RejectedRow } from "@movies/domain";
import type { CatalogueEncoding } from "./catalogue-text.ts";
import type { CsvDelimiter } from "./csv-delimiter.ts";
import type { S3ObjectRef } from "./s3-object-ref.ts";

export type IngestStatus =
  | "running"
  | "completed"
  | "rejected"
  | "skipped"
  | "skipped_stale"
  | "failed";

/** The JSON report every ingest run writes under `reports/`, shared with the CLI. */
export interface IngestReport {
  readonly bucket: string;
  readonly key: string;
  readonly version_id: string | null;
  readonly etag: string | null;
  readonly event_time: string;
  readonly started_at: string;
  readonly updated_at: string;
  /** Null while the run is going. */
  readonly finished_at: string | null;
  /** 1 on the first run of this object version; a retry after a failed run counts on. */
  readonly attempt: number;
  readonly status: IngestStatus;
  readonly rows_read: number;
  readonly written: number;
  readonly rejected: number;
  readonly duplicates: number;
  readonly header_rows: number;
  readonly blank_rows: number;
  /** Bytes of the S3 object consumed so far (compressed bytes for a `.gz` object). */
  readonly bytes_read: number;
  /** The object's size, null when unknown. */
  readonly bytes_total: number | null;
  readonly encoding: CatalogueEncoding | null;
  readonly delimiter: CsvDelimiter | null;
  readonly compression: "gzip" | null;
  readonly rejects: readonly RejectedRow[];
  /** A file ingested in parallel chunks: how many; null for a file ingested in one run. */
  readonly chunks_total: number | null;
  /** Chunks finished so far; null for a file ingested in one run. */
  readonly chunks_done: number | null;
  /** Why the file was `rejected` or `skipped`, in words a person understands. */
  readonly reason?: string;
  /** Why a failed run stopped, in words safe to show; the cause is in the logs. */
  readonly error?: string;
}

/** What a run knows of its progress at a given moment. */
export interface RunState {
  readonly startedAt: Date;
  readonly attempt: number;
  readonly status: IngestStatus;
  readonly summary: IngestSummary;
  readonly bytesRead: number;
  readonly bytesTotal: number | null;
  readonly encoding: CatalogueEncoding | null;
  readonly delimiter: CsvDelimiter | null;
  readonly compression: "gzip" | null;
  /** Set when the file is ingested in parallel chunks. */
  readonly chunks?: { readonly total: number; readonly done: number };
  readonly reason?: string;
  readonly error?: string;
}

export const NOTHING_READ: IngestSummary = {
  rowsRead: 0,
  written: 0,
  rejected: 0,
  duplicates: 0,
  headerRows: 0,
  blankRows: 0,
  rejects: [],
};

export function ingestReport(object: S3ObjectRef, run: RunState, now: Date): IngestReport {
  const { summary } = run;
  return {
    bucket: object.bucket,
    key: object.key,
    version_id: object.versionId ?? null,
    etag: object.eTag ?? null,
    event_time: object.eventTime,
    started_at: run.startedAt.toISOString(),
    updated_at: now.toISOString(),
    finished_at: run.status === "running" ? null : now.toISOString(),
    attempt: run.attempt,
    status: run.status,
    rows_read: summary.rowsRead,
    written: summary.written,
    rejected: summary.rejected,
    duplicates: summary.duplicates,
    header_rows: summary.headerRows,
    blank_rows: summary.blankRows,
    bytes_read: run.bytesRead,
    bytes_total: run.bytesTotal,
    encoding: run.encoding,
    delimiter: run.delimiter,
    compression: run.compression,
    rejects: summary.rejects,
    chunks_total: run.chunks?.total ?? null,
    chunks_done: run.chunks?.done ?? null,
    ...(run.reason !== undefined && { reason: run.reason }),
    ...(run.error !== undefined && { error: run.error }),
  };
}
