import { Metrics } from "@aws-lambda-powertools/metrics";

export type { Metrics };

/** CloudWatch embedded-metric-format writer (about 15 KB bundled). */
export function createMetrics(): Metrics {
  return new Metrics({ namespace: "Movies", serviceName: "movies" });
}
