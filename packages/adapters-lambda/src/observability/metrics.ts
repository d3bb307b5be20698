import { Metrics } from "@aws-lambda-powertools/metrics";

export type { Metrics };

/**
 * The ingest's metric names (namespace `Movies`, dimension `service=movies`), defined once; the
 * Terraform alarms watch the same names.
 */
export const INGEST_METRICS = {
  rowsRead: "RowsRead",
  rowsWritten: "RowsWritten",
  rowsRejected: "RowsRejected",
  duration: "IngestDuration",
  /** 1 for each run that ends `failed` (Lambda retries it); what the failed-ingest alarm watches. */
  failed: "IngestsFailed",
} as const;

/** CloudWatch embedded-metric-format writer (about 15 KB bundled). */
export function createMetrics(): Metrics {
  return new Metrics({ namespace: "Movies", serviceName: "movies" });
}
