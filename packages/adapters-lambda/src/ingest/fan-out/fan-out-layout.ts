import type { CsvColumnOrder, IngestSummary } from "@movies/domain";
import type { Snapshot } from "../../store/snapshot-ledger.ts";
import { FAN_OUT_PREFIX } from "../../wiring.ts";
import type { CatalogueEncoding } from "../catalogue-text.ts";
import type { CsvDelimiter } from "../csv-delimiter.ts";
import type { S3ObjectRef } from "../s3-object-ref.ts";

/**
 * What a fanned-out ingest passes between its steps. Only `ChunkRef`s travel in the state
 * machine's payload (about 80 bytes each); the rest is in S3 under the object's own folder of
 * `FAN_OUT_PREFIX`:
 *
 *   fan-out/<key>/<version>/plan.json         the plan (dialect, header, chunks, counts)
 *   fan-out/<key>/<version>/superseded.json   ids whose last row is in a later chunk than others
 *   fan-out/<key>/<version>/chunks/<n>.json   what chunk n did (counts, its rejected rows)
 */

/** One chunk: a byte range of the object that starts where a record starts. */
export interface ChunkRef {
  readonly index: number;
  readonly first_byte: number;
  /** Inclusive, as in an HTTP Range. */
  readonly last_byte: number;
  readonly first_line: number;
}

export interface FanOutPlan {
  readonly object: S3ObjectRef;
  readonly size: number;
  readonly encoding: CatalogueEncoding;
  readonly delimiter: CsvDelimiter;
  /** The header's column order, for every chunk but the first (which reads the header). */
  readonly column_order: CsvColumnOrder;
  /** The reader's record limit when not the ingest's default (tests lower it). */
  readonly max_record_length: number | null;
  readonly chunks: readonly ChunkRef[];
  /** Records that are neither blank nor the header, per chunk (for the `running` report). */
  readonly chunk_rows: readonly number[];
  readonly started_at: string;
  readonly attempt: number;
}

/** Id → the chunk holding its last valid row, for ids that have valid rows in several chunks. */
export type SupersededIds = Readonly<Record<string, number>>;

/** What one chunk did: the domain's summary of its rows. */
export interface ChunkResult {
  readonly index: number;
  readonly summary: IngestSummary;
  /** A newer snapshot had completed when the chunk started: it wrote nothing. */
  readonly stale?: true;
}

/** What every step of the state machine receives about the object. */
export interface FanOutInput {
  readonly object: S3ObjectRef;
}

/** Which upload of the key it is: its version id in a versioned bucket, else its ETag. */
export function versionOf(object: S3ObjectRef): string {
  return object.versionId ?? object.eTag ?? "unversioned";
}

export function snapshotOf(object: S3ObjectRef): Snapshot {
  const { bucket, key, eventTime } = object;
  return { bucket, key, version: versionOf(object), eventTime };
}

export function fanOutFolder(object: S3ObjectRef): string {
  return `${FAN_OUT_PREFIX}${object.key}/${versionOf(object)}/`;
}

export function planKey(object: S3ObjectRef): string {
  return `${fanOutFolder(object)}plan.json`;
}

export function supersededKey(object: S3ObjectRef): string {
  return `${fanOutFolder(object)}superseded.json`;
}

export function chunkResultKey(object: S3ObjectRef, index: number): string {
  return `${chunkResultsPrefix(object)}${String(index).padStart(5, "0")}.json`;
}

export function chunkResultsPrefix(object: S3ObjectRef): string {
  return `${fanOutFolder(object)}chunks/`;
}
