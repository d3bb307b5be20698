/**
 * A large fan-out on one machine, end to end, checked exactly:
 *   pnpm --filter @movies/local-stack large-fan-out [rows=2000000] [chunkRows=200000]
 * Starts DynamoDB Local and an S3 server, generates a catalogue with ids repeated across chunks,
 * damaged rows and quoted fields with line breaks (`fanOutCatalogue`, whose expected table is
 * known by construction), routes it above a lowered threshold, runs the state machine definition
 * locally with a fault injected once into one chunk, and compares the table and the report with
 * the construction; it also checks that ids repeat across chunks and that some cut falls right
 * after a record of two lines. Prints one JSON line; exits 1 on any difference or failed check.
 */
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { CreateBucketCommand, GetObjectCommand, PutObjectCommand } from "@aws-sdk/client-s3";
import {
  createLogger,
  createMetrics,
  ensureTable,
  movieStore,
  reportKey,
} from "@movies/adapters-lambda";
import {
  executionName,
  type FanOutEvent,
  type FanOutPlan,
  type IngestReport,
  planKey,
  routeIngest,
  runFanOutStep,
  type S3ObjectRef,
  supersededKey,
} from "@movies/adapters-lambda/fan-out";
import { fanOutCatalogue } from "@movies/adapters-lambda/test-kit/fan-out-catalogue";
import { storedMovieInfos } from "@movies/adapters-lambda/test-kit/table-contents";
import {
  localDynamoDbClient,
  localS3Client,
  startDynamoDbLocal,
  startS3Local,
} from "@movies/local-aws";
import { failChunkOnce } from "./chunk-fault.ts";
import { localFanOut, localStepFunctions } from "./local-fan-out.ts";

const rows = Number(process.argv[2] ?? 2_000_000);
const targetRows = Number(process.argv[3] ?? 200_000);
const BUCKET = "movies-large-fan-out";
const TABLE = "movies-large-fan-out";

const directory = await mkdtemp(join(tmpdir(), "movies-large-fan-out-"));
const dynamo = await startDynamoDbLocal();
const s3 = await startS3Local({ directory, buckets: [] });
const s3Client = localS3Client(s3.endpoint);
const dynamoClient = localDynamoDbClient(dynamo.endpoint);
try {
  const t0 = performance.now();
  const file = fanOutCatalogue({
    seed: 2026,
    rows,
    encoding: "utf-8",
    header: true,
    distinct: 0.7,
    // Many records of two lines, so that some cut falls right after one (checked below).
    multiLine: 0.3,
  });
  await ensureTable(dynamoClient, TABLE);
  await s3Client.send(new CreateBucketCommand({ Bucket: BUCKET }));
  const put = await s3Client.send(
    new PutObjectCommand({ Bucket: BUCKET, Key: "large.csv", Body: file.bytes }),
  );
  const object: S3ObjectRef = {
    bucket: BUCKET,
    key: "large.csv",
    versionId: undefined,
    eTag: put.ETag?.replaceAll('"', ""),
    eventTime: new Date().toISOString(),
  };
  const store = movieStore(dynamoClient, TABLE);
  const deps = {
    s3: s3Client,
    ...store,
    logger: createLogger(),
    metrics: createMetrics(),
    chunking: { targetRows },
  };
  // FAULT INJECTION: chunk 1's first run fails; Step Functions retries it alone.
  const { runs, invoke } = failChunkOnce(1, (event: FanOutEvent) => runFanOutStep(deps, event));
  const sfn = localStepFunctions(localFanOut(invoke));
  const t1 = performance.now();
  const route = await routeIngest(
    {
      s3: s3Client,
      sfn,
      snapshots: store.snapshots,
      fanOut: { stateMachineArn: "local", thresholdBytes: 1024 * 1024, maxConcurrency: 4 },
    },
    object,
  );
  const execution = await sfn.execution(executionName(object));
  const t2 = performance.now();
  const read = async <T>(key: string) => {
    const { Body } = await s3Client.send(new GetObjectCommand({ Bucket: BUCKET, Key: key }));
    return JSON.parse((await Body?.transformToString()) ?? "") as T;
  };
  const report = await read<IngestReport>(reportKey(object));
  const plan = await read<FanOutPlan>(planKey(object));
  const t3 = performance.now();
  const stored = await storedMovieInfos(dynamoClient, TABLE, "tt", 64);
  const readBackS = Math.round(performance.now() - t3) / 1000;
  const superseded = Object.keys(await read(supersededKey(object))).length;
  // A cut right after a record of two lines: a cut by physical lines one line earlier would
  // have split its quoted field.
  const multiLine = new Set(file.multiLineRecords);
  const cutsAfterMultiLine = plan.chunks.filter((chunk) => multiLine.has(chunk.first_line - 2));
  let differences = stored.size === file.expected.size ? 0 : 1;
  for (const [id, info] of file.expected) {
    if (JSON.stringify(stored.get(id)) !== JSON.stringify(info)) differences++;
  }
  const checks = {
    route: route === "fan-out",
    execution: execution?.status === "SUCCEEDED",
    status: report.status === "completed",
    chunks: plan.chunks.length >= 8 && report.chunks_done === plan.chunks.length,
    ids_across_chunks: superseded > 0,
    cut_after_multi_line_record: cutsAfterMultiLine.length > 0,
    table: differences === 0,
    rows_read: report.rows_read === file.rowsRead,
    duplicates: report.duplicates === file.duplicates,
    written: report.written === file.expected.size,
    rejected: report.rejected === file.rejectedLines.length,
    retried_alone: runs.get(1) === 2 && [...runs.values()].every((n, i) => n === (i === 1 ? 2 : 1)),
  };
  const ok = Object.values(checks).every(Boolean);
  console.log(
    JSON.stringify({
      ok,
      checks,
      rows,
      bytes: file.bytes.length,
      chunks: plan.chunks.length,
      superseded_ids: superseded,
      cuts_after_multi_line_record: cutsAfterMultiLine.map((chunk) => chunk.first_line),
      counts: {
        rows_read: report.rows_read,
        written: report.written,
        rejected: report.rejected,
        duplicates: report.duplicates,
        blank_rows: report.blank_rows,
      },
      generate_s: Math.round(t1 - t0) / 1000,
      fan_out_s: Math.round(t2 - t1) / 1000,
      read_back_s: readBackS,
      rows_per_s: Math.round(rows / ((t2 - t1) / 1000)),
    }),
  );
  process.exitCode = ok ? 0 : 1;
} finally {
  s3Client.destroy();
  dynamoClient.destroy();
  await s3.stop();
  await dynamo.stop();
  await rm(directory, { recursive: true, force: true });
}
