import { Metrics } from "@aws-lambda-powertools/metrics";

export type { Metrics };

/** CloudWatch embedded-metric-format writer (about 15 KB bundled). */
export function createMetrics(): Metrics {
  return new Metrics({ namespace: "Movies", serviceName: "movies" });
}

/** Metric names the ingest publishes; the Terraform alarms watch the same names. */
export const INGEST_METRICS = { failed: "IngestsFailed" } as const;
