// The fan-out of a large catalogue, for what runs it off AWS (the local stack's state machine
// runner) and what measures it: its steps, its definition file, its layout in S3 and its routing.

export { fanOutDefinition } from "./ingest/fan-out/fan-out-definition.ts";
export {
  chunkResultKey,
  type FanOutPlan,
  planKey,
  snapshotOf,
  supersededKey,
} from "./ingest/fan-out/fan-out-layout.ts";
export { type FanOutEvent, runFanOutStep } from "./ingest/fan-out/fan-out-step.ts";
export type { FanOutDeps } from "./ingest/fan-out/fan-out-steps.ts";
export {
  executionName,
  type FanOutExecutionInput,
  type RouteDeps,
  routeIngest,
} from "./ingest/fan-out/route-ingest.ts";
export { getJson } from "./ingest/fan-out/s3-json.ts";
export type { IngestReport } from "./ingest/ingest-report.ts";
export { ingestS3Object } from "./ingest/ingest-s3-object.ts";
export type { S3ObjectRef } from "./ingest/s3-object-ref.ts";
export { INGEST_METRICS } from "./observability/metrics.ts";
