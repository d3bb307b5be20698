// What an ingest did with its input. Apart from the use case, so that the errors that stop an
// ingest can carry the summary so far without an import cycle.

export interface RejectedRow {
  readonly line: number;
  readonly reason: string;
}

export interface IngestSummary {
  /** Records that are neither the header nor blank. */
  readonly rowsRead: number;
  /**
   * Distinct movie ids upserted, counting only writes the repo confirmed. On success
   * `rowsRead = written + rejected + duplicates`.
   */
  readonly written: number;
  readonly rejected: number;
  /** Valid rows whose movie id an earlier valid row of the same input already had. */
  readonly duplicates: number;
  readonly headerRows: number;
  readonly blankRows: number;
  /** The first `maxRejects` rejected rows, in input order. */
  readonly rejects: readonly RejectedRow[];
}
