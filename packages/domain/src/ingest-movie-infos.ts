import type { MovieInfoRepo } from "./ports.ts";

/** One parsed CSV record and the line it starts on (1-based). */
export interface CsvRecord {
  readonly line: number;
  readonly fields: readonly string[];
}

export interface RejectedRow {
  readonly line: number;
  readonly reason: string;
}

export interface IngestSummary {
  /** Records that are neither the header nor blank. */
  readonly rowsRead: number;
  /** Distinct movie ids upserted. */
  readonly written: number;
  readonly rejected: number;
  /** Valid rows whose movie id an earlier valid row of the same input already had. */
  readonly duplicates: number;
  readonly headerRows: number;
  readonly blankRows: number;
  /** The first `maxRejects` rejected rows, in input order. */
  readonly rejects: readonly RejectedRow[];
}

export interface IngestOptions {
  /** Batches being written at once; default 4. */
  readonly maxInFlight?: number;
  /** Items per batch, 1 to 25; default 25. */
  readonly batchSize?: number;
  /** Rejected rows kept in the summary; default 1000. */
  readonly maxRejects?: number;
  /**
   * Checked before each record (an `AbortSignal` fits); once aborted, reading stops, batches in
   * flight settle, and the ingest fails with `IngestIncompleteError`.
   */
  readonly signal?: { readonly aborted: boolean };
}

// CONTRACT (implementation to follow):
export declare function ingestMovieInfos(
  repo: Pick<MovieInfoRepo, "putBatch">,
  records: AsyncIterable<CsvRecord> | Iterable<CsvRecord>,
  options?: IngestOptions,
): Promise<IngestSummary>;
