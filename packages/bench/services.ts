import { createReadStream } from "node:fs";
import { mkdtemp, rm, stat } from "node:fs/promises";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { DeleteTableCommand, type DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { PutObjectCommand, type S3Client } from "@aws-sdk/client-s3";
import { Upload } from "@aws-sdk/lib-storage";
import {
  type DynamoDbLocal,
  localDynamoDbClient,
  localS3Client,
  type S3Local,
  startDynamoDbLocal,
  startS3Local,
} from "@movies/local-aws";
import { ensureTable } from "../adapters-lambda/src/store/table.ts";

export const BUCKET = "movies-bench";

/** What the measurements share: one DynamoDB Local, one S3 server, a null DynamoDB endpoint. */
export interface BenchServices {
  readonly dynamo: DynamoDbLocal;
  readonly dynamoClient: DynamoDBClient;
  readonly s3: S3Local;
  readonly s3Client: S3Client;
  readonly nullDynamo: NullDynamo;
  /** Scratch directory for generated CSVs and unzipped bundles; removed by stop(). */
  readonly workDir: string;
  freshTable(purpose: string): Promise<string>;
  dropTable(name: string): Promise<void>;
  /** Uploads a local file to the bench bucket; returns its ETag (unquoted). */
  upload(key: string, path: string): Promise<string>;
  stop(): Promise<void>;
}

/**
 * Starts what the benchmark needs. DynamoDB Local comes from MOVIES_DYNAMODB_ENDPOINT when set
 * (the test line's shared instance), else from startDynamoDbLocal (Docker or Java). Everything
 * started here is stopped by stop(), also when starting fails halfway.
 */
export async function startBenchServices(): Promise<BenchServices> {
  const stops: (() => Promise<unknown>)[] = [];
  const stop = async () => {
    for (const step of stops.splice(0).reverse()) await step().catch(() => undefined);
  };
  try {
    const workDir = await mkdtemp(join(tmpdir(), "movies-bench-"));
    stops.push(() => rm(workDir, { recursive: true, force: true }));
    const dynamo = await startDynamoDbLocal();
    stops.push(() => dynamo.stop());
    const dynamoClient = localDynamoDbClient(dynamo.endpoint);
    stops.push(async () => dynamoClient.destroy());
    const s3Dir = join(workDir, "s3");
    const s3 = await startS3Local({ directory: s3Dir, buckets: [BUCKET] });
    stops.push(() => s3.stop());
    const s3Client = localS3Client(s3.endpoint);
    stops.push(async () => s3Client.destroy());
    const nullDynamo = await startNullDynamo();
    stops.push(() => nullDynamo.stop());
    const tables = new Set<string>();
    stops.push(async () => {
      for (const name of tables) {
        await dynamoClient.send(new DeleteTableCommand({ TableName: name })).catch(() => undefined);
      }
    });
    let tableCount = 0;
    return {
      dynamo,
      dynamoClient,
      s3,
      s3Client,
      nullDynamo,
      workDir,
      async freshTable(purpose) {
        const name = `bench-${purpose}-${process.pid}-${++tableCount}`;
        tables.add(name);
        await ensureTable(dynamoClient, name);
        return name;
      },
      async dropTable(name) {
        tables.delete(name);
        await dynamoClient.send(new DeleteTableCommand({ TableName: name }));
      },
      async upload(key, path) {
        const { size } = await stat(path);
        if (size < 5 * 1024 * 1024) {
          const put = await s3Client.send(
            new PutObjectCommand({
              Bucket: BUCKET,
              Key: key,
              Body: createReadStream(path),
              ContentLength: size,
            }),
          );
          return (put.ETag ?? "").replace(/"/g, "");
        }
        const upload = new Upload({
          client: s3Client,
          params: { Bucket: BUCKET, Key: key, Body: createReadStream(path) },
          partSize: 16 * 1024 * 1024,
          queueSize: 2,
        });
        const done = await upload.done();
        return (done.ETag ?? "").replace(/"/g, "");
      },
      stop,
    };
  } catch (error) {
    await stop();
    throw error;
  }
}

export interface NullDynamo {
  readonly endpoint: string;
  readonly stats: { requests: number; bytes: number };
  stop(): Promise<void>;
}

/**
 * A DynamoDB endpoint that stores nothing: it reads each request whole and answers at once as
 * DynamoDB would when everything succeeded (BatchWriteItem with no unprocessed items, GetItem
 * with no item). It lets a Lambda-like child process ingest a 100 MB file at full speed, with
 * the SDK's whole HTTP path, without waiting on DynamoDB Local's few thousand writes a second.
 */
export async function startNullDynamo(): Promise<NullDynamo> {
  const stats = { requests: 0, bytes: 0 };
  const server = createServer((request, response) => {
    const target = String(request.headers["x-amz-target"] ?? "");
    request.on("data", (chunk: Buffer) => {
      stats.bytes += chunk.length;
    });
    request.on("end", () => {
      stats.requests++;
      const body = target.endsWith(".BatchWriteItem") ? '{"UnprocessedItems":{}}' : "{}";
      response.writeHead(200, {
        "Content-Type": "application/x-amz-json-1.0",
        "Content-Length": Buffer.byteLength(body),
      });
      response.end(body);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    endpoint: `http://127.0.0.1:${port}`,
    stats,
    stop: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

export { localDynamoDbClient };
