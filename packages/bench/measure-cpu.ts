import { join } from "node:path";
import { writeCatalogueCsv } from "./csv-gen.ts";
import { median, round, runWorker } from "./lib.ts";
import { functionEnv } from "./measure-ingest.ts";
import { type BenchServices, BUCKET } from "./services.ts";
import type { CpuStage, TimedResult } from "./worker.ts";

export interface CpuOptions {
  readonly rows: number;
  /** Fresh processes per stage; the median is reported. */
  readonly repeats: number;
  /** Extra Node flags for the workers, e.g. `--cpu-prof`. */
  readonly nodeArgs?: readonly string[];
  /** Only these stages (default: all). */
  readonly stages?: readonly CpuStage[];
}

/** Figures of the stages measured (a stage left out leaves its figure out). */
export interface CpuPerRow {
  /** The whole pipeline, DynamoDB taken at the client's `send`. */
  readonly cpu_us_per_row?: number;
  readonly parse_us_per_row?: number;
  /** Parse plus the domain (validation, duplicates, batching) with a repo that drops batches. */
  readonly domain_us_per_row?: number;
  /** The whole pipeline plus the AWS SDK's serialisation and signing, only the transport faked. */
  readonly cpu_us_per_row_sdk?: number;
  readonly cpu_rows: number;
}

const STAGES: readonly CpuStage[] = ["parse", "domain", "pipeline", "sdk"];

/**
 * CPU microseconds per row (user + system of the whole process, GC threads included) of the
 * ingest pipeline reading the local S3 server's stream, with DynamoDB replaced by an in-memory
 * transport, and of its first stages alone. Each figure is the median of fresh processes.
 */
export async function measureCpu(services: BenchServices, options: CpuOptions): Promise<CpuPerRow> {
  const csv = await writeCatalogueCsv(join(services.workDir, `cpu-${options.rows}.csv`), {
    rows: options.rows,
  });
  const key = `cpu-${options.rows}.csv`;
  const eTag = await services.upload(key, csv.path);
  const env = functionEnv(services, "bench-cpu", services.nullDynamo.endpoint);
  const perRow: Record<string, number[]> = {};
  for (let i = 0; i < options.repeats; i++) {
    for (const stage of options.stages ?? STAGES) {
      const result = await runWorker<TimedResult>(
        "cpu",
        { bucket: BUCKET, key, eTag, stage },
        { env, nodeArgs: options.nodeArgs ?? [] },
      );
      if (result.rows !== csv.rows || result.status !== "completed") {
        throw new Error(`cpu ${stage}: read ${result.rows} of ${csv.rows} rows (${result.status})`);
      }
      perRow[stage] = [...(perRow[stage] ?? []), result.cpuUs / result.rows];
    }
  }
  const figures: Record<string, number> = {};
  const keys: Record<CpuStage, string> = {
    pipeline: "cpu_us_per_row",
    parse: "parse_us_per_row",
    domain: "domain_us_per_row",
    sdk: "cpu_us_per_row_sdk",
  };
  for (const [stage, samples] of Object.entries(perRow)) {
    figures[keys[stage as CpuStage]] = round(median(samples));
  }
  return { ...figures, cpu_rows: csv.rows };
}
