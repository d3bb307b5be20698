import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { PutObjectCommand } from "@aws-sdk/client-s3";
import type { S3Event, S3EventRecord } from "aws-lambda";
import { decodeS3Key } from "../ingest/s3-object-ref.ts";
import { ensureTable } from "../store/table.ts";
import {
  ENV,
  FUNCTIONS,
  type FunctionName,
  type HttpRoute,
  isIngestibleKey,
  type S3Notification,
} from "../wiring.ts";
import {
  type DynamoDbLocal,
  LOCAL_CREDENTIALS,
  LOCAL_REGION,
  localDynamoDbClient,
  startDynamoDbLocal,
} from "./dynamodb-local.ts";
import { type GatewayRoute, type ProxyHandler, startHttpGateway } from "./http-gateway.ts";
import { lambdaContext } from "./lambda-context.ts";
import { localS3Client, type S3Local, startS3Local } from "./s3-local.ts";

export interface LocalStackOptions {
  readonly httpPort: number;
  readonly s3Port: number;
  readonly dynamoDbPort: number;
  readonly bucket: string;
  readonly tableName: string;
  /** A CSV uploaded through the S3 path once the stack is up, e.g. the seed's three movies. */
  readonly seedFile?: string;
}

export interface LocalStack {
  readonly httpUrl: string;
  readonly s3Endpoint: string;
  readonly dynamoDbEndpoint: string;
  readonly dynamoDbVia: DynamoDbLocal["via"];
  stop(): Promise<void>;
}

/** Lambda retries a failed asynchronous invocation twice. */
const ASYNC_RETRIES = 2;
const INGEST_TIMEOUT_MS = 900_000;
const API_TIMEOUT_MS = 10_000;

/**
 * The whole system on one machine: DynamoDB Local, an S3 server whose `.csv` uploads invoke
 * the ingest handler, and an HTTP gateway for the API handlers, all wired from `wiring.ts`.
 */
export async function startLocalStack(options: LocalStackOptions): Promise<LocalStack> {
  const stops: (() => Promise<void>)[] = [];
  const stop = async () => {
    for (const step of stops.splice(0).reverse()) {
      await step().catch((error: unknown) => console.error("local stack: stopping failed", error));
    }
  };
  try {
    const dynamo = await startDynamoDbLocal({ port: options.dynamoDbPort });
    stops.push(() => dynamo.stop());
    const dynamoClient = localDynamoDbClient(dynamo.endpoint);
    await ensureTable(dynamoClient, options.tableName);
    dynamoClient.destroy();

    const directory = await mkdtemp(join(tmpdir(), "movies-local-s3-"));
    stops.push(() => rm(directory, { recursive: true, force: true }));
    const s3 = await startS3Local({ port: options.s3Port, directory, buckets: [options.bucket] });
    stops.push(() => s3.stop());

    // The handlers read their configuration at import, exactly as on a cold start in Lambda.
    Object.assign(process.env, {
      AWS_REGION: LOCAL_REGION,
      AWS_ACCESS_KEY_ID: LOCAL_CREDENTIALS.accessKeyId,
      AWS_SECRET_ACCESS_KEY: LOCAL_CREDENTIALS.secretAccessKey,
      [ENV.table]: options.tableName,
      [ENV.bucket]: options.bucket,
      [ENV.dynamoEndpoint]: dynamo.endpoint,
      [ENV.s3Endpoint]: s3.endpoint,
    });
    const handlers = await importHandlers();

    const ingests = ingestQueue(handlers["ingest-movie-infos"] as IngestHandler);
    const notification = FUNCTIONS.find((f) => f.trigger.kind === "s3")?.trigger as S3Notification;
    s3.onObjectCreated((record) => {
      if (record.s3.bucket.name === options.bucket && matchesNotification(record, notification)) {
        ingests.enqueue(record);
      }
    });

    const routes: GatewayRoute[] = FUNCTIONS.flatMap((f) =>
      f.trigger.kind === "http"
        ? [
            {
              route: f.trigger as HttpRoute,
              functionName: f.name,
              handler: handlers[f.name] as ProxyHandler,
            },
          ]
        : [],
    );
    const gateway = await startHttpGateway({
      port: options.httpPort,
      routes,
      context: (name) => lambdaContext(name, API_TIMEOUT_MS),
    });
    stops.push(() => gateway.stop());

    const stack: LocalStack = {
      httpUrl: gateway.url,
      s3Endpoint: s3.endpoint.replace("127.0.0.1", "localhost"),
      dynamoDbEndpoint: dynamo.endpoint.replace("127.0.0.1", "localhost"),
      dynamoDbVia: dynamo.via,
      stop,
    };
    if (options.seedFile) await seed(s3, options.bucket, options.seedFile, ingests);
    return stack;
  } catch (error) {
    await stop();
    throw error;
  }
}

type IngestHandler = (event: S3Event, context: ReturnType<typeof lambdaContext>) => Promise<void>;

async function importHandlers(): Promise<Record<FunctionName, unknown>> {
  const entries = await Promise.all(
    FUNCTIONS.map(async (f) => {
      const module = (await import(`../../${f.entry}`)) as { handler: unknown };
      return [f.name, module.handler] as const;
    }),
  );
  return Object.fromEntries(entries) as Record<FunctionName, unknown>;
}

function matchesNotification(record: S3EventRecord, notification: S3Notification): boolean {
  return (
    notification.events.some((event) => event === "s3:ObjectCreated:*") &&
    record.eventName.startsWith("ObjectCreated:") &&
    isIngestibleKey(decodeS3Key(record.s3.object.key))
  );
}

/**
 * Invokes the ingest handler one record at a time, as the deployed function's reserved
 * concurrency of one does, retrying a failure as Lambda retries an asynchronous invocation.
 */
function ingestQueue(handler: IngestHandler) {
  let tail: Promise<void> = Promise.resolve();
  const waiting = new Map<string, () => void>();
  const invoke = async (record: S3EventRecord) => {
    try {
      await invokeWithRetries(record);
    } finally {
      const key = decodeS3Key(record.s3.object.key);
      waiting.get(key)?.();
      waiting.delete(key);
    }
  };
  const invokeWithRetries = async (record: S3EventRecord) => {
    for (let attempt = 0; attempt <= ASYNC_RETRIES; attempt++) {
      try {
        await handler(
          { Records: [record] },
          lambdaContext("ingest-movie-infos", INGEST_TIMEOUT_MS),
        );
        return;
      } catch (error) {
        const left = ASYNC_RETRIES - attempt;
        console.error(
          `local stack: ingest of ${record.s3.object.key} failed (${left} retries left)`,
          error instanceof Error ? error.message : error,
        );
      }
    }
  };
  return {
    enqueue(record: S3EventRecord) {
      tail = tail.then(() => invoke(record));
    },
    /** Resolves once an ingest of this key, queued now or later, has finished. */
    finished: (key: string) => new Promise<void>((resolve) => waiting.set(key, resolve)),
  };
}

/** Uploads the seed through the S3 path, as a user would, and waits for its ingest. */
async function seed(
  s3: S3Local,
  bucket: string,
  file: string,
  ingests: ReturnType<typeof ingestQueue>,
): Promise<void> {
  const key = "movie-infos.csv";
  const finished = ingests.finished(key);
  const client = localS3Client(s3.endpoint);
  try {
    await client.send(
      new PutObjectCommand({ Bucket: bucket, Key: key, Body: await readFile(file) }),
    );
  } finally {
    client.destroy();
  }
  await finished;
}
