import { join } from "node:path";
import { writeCatalogueCsv } from "./csv-gen.ts";
import { median, round, runWorker } from "./lib.ts";
import { type BenchServices, BUCKET } from "./services.ts";
import type { TimedResult } from "./worker.ts";

export interface IngestVsRawOptions {
  readonly rows: number;
  /** Runs of each side, in ABBA order so that drift in DynamoDB Local hits both alike. */
  readonly repeats: number;
  readonly maxInFlight: number;
  /** One discarded raw run first (off in the smoke run, whose figures mean nothing). */
  readonly warmup: boolean;
}

export interface IngestVsRaw {
  readonly ingest_vs_raw: number;
  readonly ingest_rows_per_s: number;
  readonly raw_rows_per_s: number;
  /** CPU of the ingest process per row against DynamoDB Local: the HTTP client included. */
  readonly cpu_us_per_row_http: number;
  readonly runs: readonly { side: string; rowsPerS: number; cpuUsPerRow: number }[];
}

/** Environment of a function process pointed at the bench services. */
export function functionEnv(
  services: BenchServices,
  table: string,
  dynamoEndpoint = services.dynamo.endpoint,
): Record<string, string> {
  return {
    AWS_REGION: "us-east-1",
    AWS_ACCESS_KEY_ID: "local",
    AWS_SECRET_ACCESS_KEY: "local",
    AWS_EC2_METADATA_DISABLED: "true",
    MOVIES_TABLE: table,
    MOVIES_BUCKET: BUCKET,
    MOVIES_DYNAMODB_ENDPOINT: dynamoEndpoint,
    MOVIES_S3_ENDPOINT: services.s3.endpoint,
    POWERTOOLS_LOG_LEVEL: "SILENT",
    POWERTOOLS_METRICS_DISABLED: "true",
  };
}

/**
 * `ingest_vs_raw`: valid rows per second of the whole ingest (the handler: S3 stream, fast-csv,
 * domain, item building, BatchWriteItem) over that of a plain BatchWriteItem loop writing the
 * same batches at the same concurrency, each in a fresh process on a fresh table of the same
 * DynamoDB Local. The JVM is warmed up first so that neither side pays for its JIT, and the
 * sides alternate (ABBA) so that what drift is left hits both alike.
 */
export async function measureIngestVsRaw(
  services: BenchServices,
  options: IngestVsRawOptions,
): Promise<IngestVsRaw> {
  const csv = await writeCatalogueCsv(join(services.workDir, `ingest-${options.rows}.csv`), {
    rows: options.rows,
  });
  const key = `ingest-${options.rows}.csv`;
  const eTag = await services.upload(key, csv.path);
  // DynamoDB Local's JVM keeps getting faster for tens of thousands of writes: one whole raw run,
  // discarded, before anything is measured.
  if (options.warmup) await runSide(services, "raw", csv.path, key, eTag, options);

  const order: ("raw" | "ingest")[] = [];
  for (let i = 0; i < options.repeats; i++) {
    order.push(...(i % 2 === 0 ? (["raw", "ingest"] as const) : (["ingest", "raw"] as const)));
  }
  const runs: { side: string; rowsPerS: number; cpuUsPerRow: number }[] = [];
  for (const side of order) {
    const result = await runSide(services, side, csv.path, key, eTag, options);
    if (result.status !== "completed") throw new Error(`${side} run ended ${result.status}`);
    runs.push({
      side,
      rowsPerS: result.valid / (result.wallMs / 1000),
      cpuUsPerRow: result.cpuUs / result.rows,
    });
  }
  const rate = (side: string) => median(runs.filter((r) => r.side === side).map((r) => r.rowsPerS));
  const ingestRate = rate("ingest");
  const rawRate = rate("raw");
  return {
    ingest_vs_raw: round(ingestRate / rawRate, 3),
    ingest_rows_per_s: Math.round(ingestRate),
    raw_rows_per_s: Math.round(rawRate),
    cpu_us_per_row_http: round(
      median(runs.filter((r) => r.side === "ingest").map((r) => r.cpuUsPerRow)),
    ),
    runs: runs.map((r) => ({
      ...r,
      rowsPerS: Math.round(r.rowsPerS),
      cpuUsPerRow: round(r.cpuUsPerRow),
    })),
  };
}

async function runSide(
  services: BenchServices,
  side: "raw" | "ingest",
  csvPath: string,
  key: string,
  eTag: string,
  options: IngestVsRawOptions,
): Promise<TimedResult> {
  const table = await services.freshTable(side);
  try {
    const env = functionEnv(services, table);
    return side === "raw"
      ? await runWorker<TimedResult>("raw", { csvPath, maxInFlight: options.maxInFlight }, { env })
      : await runWorker<TimedResult>("ingest", { bucket: BUCKET, key, eTag }, { env });
  } finally {
    await services.dropTable(table);
  }
}
