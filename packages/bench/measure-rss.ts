import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { GetObjectCommand } from "@aws-sdk/client-s3";
import type { IngestReport } from "../adapters-lambda/src/ingest/ingest-report.ts";
import { reportKey } from "../adapters-lambda/src/wiring.ts";
import { s3CreatedEvent } from "../adapters-lambda/test-kit/s3-created-event.ts";
import { type GeneratedCsv, writeCatalogueCsv } from "./csv-gen.ts";
import { median, RESULT_MARK, round, runNode } from "./lib.ts";
import type { Bundles } from "./measure-bundles.ts";
import { functionEnv } from "./measure-ingest.ts";
import { type BenchServices, BUCKET } from "./services.ts";

export interface RssOptions {
  readonly smallBytes: number;
  readonly largeBytes: number;
  /** Fresh processes per file in the headline configuration; the median peak is reported. */
  readonly repeats: number;
  /** Function memory sizes (MB) to emulate; the first gives the headline keys. */
  readonly functionMemoryMb: readonly number[];
}

/**
 * The V8 heap limits the Lambda Node.js runtime sets from the function's memory (its bootstrap
 * script: new space a tenth of the memory, each semi-space half of that, old space the rest).
 * Without them V8 sizes its heap from this machine's memory, which no function has.
 */
export function lambdaHeapFlags(memoryMb: number): string[] {
  const newSpace = Math.floor(memoryMb / 10);
  return [
    `--max-semi-space-size=${Math.floor(newSpace / 2)}`,
    `--max-old-space-size=${memoryMb - newSpace}`,
  ];
}

// A Lambda-like process: plain JavaScript (no TypeScript loader), the deployable bundle, one
// invocation, then the peak resident set (VmHWM, which is what maxRSS reports on Linux).
const INGEST_SCRIPT = `
import { readFileSync } from "node:fs";
const { handler } = await import(process.env.BENCH_BUNDLE_URL);
const started = Date.now();
const context = {
  callbackWaitsForEmptyEventLoop: false,
  functionName: "ingest-movie-infos",
  functionVersion: "$LATEST",
  invokedFunctionArn: "arn:aws:lambda:us-east-1:000000000000:function:ingest-movie-infos",
  memoryLimitInMB: "1769",
  awsRequestId: "bench-rss",
  logGroupName: "/aws/lambda/ingest-movie-infos",
  logStreamName: "bench",
  getRemainingTimeInMillis: () => 900000 - (Date.now() - started),
};
await handler(JSON.parse(process.env.BENCH_EVENT), context);
const ms = Date.now() - started;
const hwm = /VmHWM:\\s+(\\d+)/.exec(readFileSync("/proc/self/status", "utf8"));
const { getHeapSpaceStatistics } = await import("node:v8");
const mb = (bytes) => Math.round(bytes / 104857.6) / 10;
const usage = process.memoryUsage();
const spaces = Object.fromEntries(getHeapSpaceStatistics().map((s) => [s.space_name, mb(s.space_size)]));
const atEnd = { rss: mb(usage.rss), heapTotal: mb(usage.heapTotal), heapUsed: mb(usage.heapUsed), external: mb(usage.external), newSpace: spaces.new_space, oldSpace: spaces.old_space };
const result = { ms, maxRssKb: process.resourceUsage().maxRSS, vmHwmKb: hwm ? Number(hwm[1]) : -1, atEnd };
process.stdout.write(${JSON.stringify(RESULT_MARK)} + JSON.stringify(result) + "\\n");
process.exit(0);
`;

/**
 * Peak RSS of the bundled ingest handler in a fresh process, reading the CSV from the local S3
 * server and writing to the null DynamoDB endpoint (an in-memory sink: DynamoDB Local would take
 * minutes for 100 MB and adds nothing to the function's own memory). Both files are generated
 * from the same seed and differ only in length, so the ratio compares like with like.
 */
export async function measureRss(
  services: BenchServices,
  bundles: Bundles,
  options: RssOptions,
): Promise<Record<string, number>> {
  const entry = bundles.entries["ingest-movie-infos"];
  if (entry === undefined) throw new Error("no ingest bundle");
  const run = async (
    csv: GeneratedCsv,
    key: string,
    eTag: string,
    nodeArgs: string[],
    repeats: number,
  ) => {
    const peaks: number[] = [];
    let ms = 0;
    for (let i = 0; i < repeats; i++) {
      const event = s3CreatedEvent(BUCKET, key, { eTag, eventTime: new Date().toISOString() });
      const result = await runNode([...nodeArgs, "--input-type=module", "-e", INGEST_SCRIPT], {
        env: {
          ...functionEnv(services, "bench-rss", services.nullDynamo.endpoint),
          BENCH_BUNDLE_URL: pathToFileURL(entry).href,
          BENCH_EVENT: JSON.stringify(event),
        },
      });
      const line = result.stdout.split("\n").find((l) => l.startsWith(RESULT_MARK)) ?? "";
      const parsed = JSON.parse(line.slice(RESULT_MARK.length)) as {
        ms: number;
        maxRssKb: number;
        vmHwmKb: number;
        atEnd: Record<string, number>;
      };
      if (process.env["BENCH_VERBOSE"]) console.error(key, JSON.stringify(parsed));
      peaks.push(Math.max(parsed.maxRssKb, parsed.vmHwmKb) / 1024);
      ms = parsed.ms;
      const report = await readReport(services, key, eTag);
      if (report.status !== "completed" || report.rows_read !== csv.rows) {
        throw new Error(
          `rss ingest of ${key}: ${report.status}, ${report.rows_read} of ${csv.rows} rows`,
        );
      }
    }
    return { peakMb: median(peaks), ms };
  };
  const small = await writeCatalogueCsv(join(services.workDir, "rss-small.csv"), {
    bytes: options.smallBytes,
  });
  const large = await writeCatalogueCsv(join(services.workDir, "rss-large.csv"), {
    bytes: options.largeBytes,
  });
  const smallTag = await services.upload("rss-small.csv", small.path);
  const largeTag = await services.upload("rss-large.csv", large.path);
  const figures: Record<string, number> = {
    rss_rows_10mb: small.rows,
    rss_rows_100mb: large.rows,
  };
  for (const [i, memoryMb] of options.functionMemoryMb.entries()) {
    const flags = lambdaHeapFlags(memoryMb);
    // The headline configuration is repeated (peaks vary by several MB run to run); the others
    // are run once.
    const repeats = i === 0 ? options.repeats : 1;
    const smallRun = await run(small, "rss-small.csv", smallTag, flags, repeats);
    const largeRun = await run(large, "rss-large.csv", largeTag, flags, repeats);
    const suffix = i === 0 ? "" : `_${memoryMb}mb`;
    figures[`rss_ratio_100mb_10mb${suffix}`] = round(largeRun.peakMb / smallRun.peakMb, 3);
    figures[`peak_rss_mb${suffix}`] = round(largeRun.peakMb, 1);
    figures[`rss_10mb_mb${suffix}`] = round(smallRun.peakMb, 1);
    if (i === 0) figures["rss_memory_mb"] = memoryMb;
    figures[`rss_100mb_rows_per_s${suffix}`] = Math.round(large.rows / (largeRun.ms / 1000));
  }
  return figures;
}

async function readReport(
  services: BenchServices,
  key: string,
  eTag: string,
): Promise<IngestReport> {
  const { Body } = await services.s3Client.send(
    new GetObjectCommand({ Bucket: BUCKET, Key: reportKey({ key, eTag }) }),
  );
  return JSON.parse((await Body?.transformToString()) ?? "{}") as IngestReport;
}
