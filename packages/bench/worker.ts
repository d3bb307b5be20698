/**
 * One measurement in a fresh Node process: `node bench/worker.ts <mode> '<json input>'`. Prints
 * its result as one JSON line after RESULT_MARK. Configuration comes from the environment the
 * parent sets, as a Lambda's does.
 */
import { createReadStream } from "node:fs";
import {
  BatchWriteItemCommand,
  type DynamoDBClient,
  type WriteRequest,
} from "@aws-sdk/client-dynamodb";
import { GetObjectCommand, type S3Client } from "@aws-sdk/client-s3";
import { type CsvRecord, ingestMovieInfos, type MovieInfo } from "@movies/domain";
import { lambdaContext } from "@movies/local-aws";
import { dynamoClient, movieStore, s3Client } from "../adapters-lambda/src/clients.ts";
import { loadConfig } from "../adapters-lambda/src/config.ts";
import { csvRecords } from "../adapters-lambda/src/ingest/csv-records.ts";
import type { IngestReport } from "../adapters-lambda/src/ingest/ingest-report.ts";
import { ingestS3Object } from "../adapters-lambda/src/ingest/ingest-s3-object.ts";
import { createLogger } from "../adapters-lambda/src/observability/logger.ts";
import { createMetrics } from "../adapters-lambda/src/observability/metrics.ts";
import { movieInfoItems } from "../adapters-lambda/src/store/movie-info-items.ts";
import { moviesService } from "../adapters-lambda/src/store/movies-service.ts";
import { reportKey } from "../adapters-lambda/src/wiring.ts";
import { s3CreatedEvent } from "../adapters-lambda/test-kit/s3-created-event.ts";
import { httpStack } from "./http-stack-worker.ts";
import { cpuMicros, RESULT_MARK } from "./lib.ts";
import { commandSinkClient, memorySinkClient } from "./memory-sink.ts";
import { warmApi } from "./warm-api-worker.ts";

export interface ObjectInput {
  readonly bucket: string;
  readonly key: string;
  readonly eTag: string;
}

export interface TimedResult {
  /** Data rows read (header and blank lines excluded). */
  readonly rows: number;
  /** Rows that became writes: rows read minus rejected. */
  readonly valid: number;
  readonly wallMs: number;
  readonly cpuUs: number;
  readonly status: string;
  readonly maxRssMb: number;
}

function finish(result: object): void {
  process.stdout.write(`${RESULT_MARK}${JSON.stringify(result)}\n`);
}

function maxRssMb(): number {
  return process.resourceUsage().maxRSS / 1024;
}

/** The full ingest path: the ingest handler itself, as Lambda invokes it. */
async function ingest(input: ObjectInput): Promise<TimedResult> {
  const { handler } = await import("../adapters-lambda/src/functions/ingest-movie-infos.ts");
  const event = s3CreatedEvent(input.bucket, input.key, {
    eTag: input.eTag,
    eventTime: new Date().toISOString(),
  });
  const cpu0 = cpuMicros();
  const t0 = performance.now();
  await handler(event, lambdaContext("ingest-movie-infos", 900_000));
  const wallMs = performance.now() - t0;
  const cpuUs = cpuMicros() - cpu0;
  const report = await readReport(s3Client(loadConfig(process.env)), input);
  return {
    rows: report.rows_read,
    valid: report.rows_read - report.rejected,
    wallMs,
    cpuUs,
    status: report.status,
    maxRssMb: maxRssMb(),
  };
}

async function readReport(s3: S3Client, input: ObjectInput): Promise<IngestReport> {
  const { Body } = await s3.send(
    new GetObjectCommand({ Bucket: input.bucket, Key: reportKey(input) }),
  );
  return JSON.parse((await Body?.transformToString()) ?? "{}") as IngestReport;
}

/**
 * The baseline: the same items the ingest writes (the very batches it forms, captured from a
 * dry run of the domain over the same file), sent as plain BatchWriteItem calls through a
 * client configured as the handler's, at the same number of batches in flight.
 */
async function rawBatchWrite(input: {
  csvPath: string;
  maxInFlight: number;
}): Promise<TimedResult> {
  const config = loadConfig(process.env);
  const client = dynamoClient(config);
  const items = movieInfoItems(moviesService(client, config.tableName).entities.movieInfo);
  const batches: WriteRequest[][] = [];
  const summary = await ingestMovieInfos(
    {
      putBatch: async (infos: readonly MovieInfo[]) => {
        batches.push(infos.map((info) => ({ PutRequest: items.putRequest(info) })));
      },
    },
    csvRecords(createReadStream(input.csvPath)),
  );
  const cpu0 = cpuMicros();
  const t0 = performance.now();
  await writeAll(client, items.table, batches, input.maxInFlight);
  const wallMs = performance.now() - t0;
  return {
    rows: summary.rowsRead,
    valid: summary.rowsRead - summary.rejected,
    wallMs,
    cpuUs: cpuMicros() - cpu0,
    status: "completed",
    maxRssMb: maxRssMb(),
  };
}

async function writeAll(
  client: DynamoDBClient,
  table: string,
  batches: readonly WriteRequest[][],
  maxInFlight: number,
): Promise<void> {
  let next = 0;
  const lane = async () => {
    while (next < batches.length) {
      let pending = batches[next++] as WriteRequest[];
      while (pending.length > 0) {
        const { UnprocessedItems } = await client.send(
          new BatchWriteItemCommand({ RequestItems: { [table]: pending } }),
        );
        pending = UnprocessedItems?.[table] ?? [];
      }
    }
  };
  await Promise.all(Array.from({ length: maxInFlight }, lane));
}

export type CpuStage = "parse" | "domain" | "pipeline" | "sdk";

/**
 * CPU of the ingest pipeline per row, from the local S3 server's stream, with DynamoDB replaced
 * by an in-memory sink. `stage` says how far the pipeline goes: `parse` only reads records;
 * `domain` also runs the domain with a repo that drops the batches; `pipeline` is
 * ingestS3Object with the real repository, whose BatchWriteItem commands a stand-in client takes
 * at `send`; `sdk` adds the AWS SDK's own work (serialisation, signing, response parsing) with
 * only the transport replaced.
 */
async function cpu(input: ObjectInput & { stage: CpuStage }): Promise<TimedResult> {
  const config = loadConfig(process.env);
  const s3 = s3Client(config);
  const body = async () => {
    const { Body } = await s3.send(new GetObjectCommand({ Bucket: input.bucket, Key: input.key }));
    if (!Body) throw new Error("no body");
    return Body as NodeJS.ReadableStream;
  };
  let rows = 0;
  let valid = 0;
  let status = "completed";
  const cpu0 = cpuMicros();
  const t0 = performance.now();
  if (input.stage === "parse") {
    for await (const record of csvRecords(await body())) rows += countable(record);
    valid = rows;
  } else if (input.stage === "domain") {
    const summary = await ingestMovieInfos({ putBatch: async () => {} }, csvRecords(await body()));
    rows = summary.rowsRead;
    valid = rows - summary.rejected;
  } else {
    const { client, counts } = input.stage === "sdk" ? memorySinkClient() : commandSinkClient();
    const store = movieStore(client, config.tableName);
    const report = await ingestS3Object(
      { ...store, s3, logger: createLogger(), metrics: createMetrics() },
      {
        bucket: input.bucket,
        key: input.key,
        versionId: undefined,
        eTag: input.eTag,
        eventTime: new Date().toISOString(),
      },
    );
    rows = report.rows_read;
    valid = rows - report.rejected;
    status = report.status;
    if (counts.requests === 0) status = "nothing reached the sink";
  }
  const wallMs = performance.now() - t0;
  return { rows, valid, wallMs, cpuUs: cpuMicros() - cpu0, status, maxRssMb: maxRssMb() };
}

function countable(record: CsvRecord): number {
  const { fields } = record;
  return fields.length === 1 && (fields[0] ?? "").trim() === "" ? 0 : 1;
}

const modes: Record<string, (input: never) => Promise<object>> = {
  ingest,
  raw: rawBatchWrite,
  cpu,
  "warm-api": warmApi,
  "http-stack": httpStack,
};

const [mode = "", json = "{}"] = process.argv.slice(2);
const run = modes[mode];
if (run === undefined) {
  console.error(`unknown worker mode ${mode}; one of ${Object.keys(modes).join(", ")}`);
  process.exit(2);
}
finish(await run(JSON.parse(json) as never));
// Clients keep sockets alive; the measurement is over.
process.exit(0);
