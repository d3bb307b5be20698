import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { GetObjectCommand, PutObjectCommand } from "@aws-sdk/client-s3";
import {
  corsPolicy,
  createLogger,
  createMetrics,
  decodeS3Key,
  ensureTable,
  FAN_OUT_MAX_CONCURRENCY,
  FAN_OUT_THRESHOLD_BYTES,
  makeDeleteMovieHandler,
  makeGetMovieHandler,
  makeIngestFanOutHandler,
  makeIngestMovieInfosHandler,
  makeListMoviesHandler,
  makeUpdateMovieRatingHandler,
  movieStore,
} from "@movies/adapters-lambda";
import {
  FUNCTIONS,
  type FunctionName,
  type HttpRoute,
  INGEST_MAX_ATTEMPTS,
  isIngestibleKey,
  reportKey,
  type S3Notification,
} from "@movies/adapters-lambda/wiring";
import {
  type DynamoDbLocal,
  lambdaContext,
  localDynamoDbClient,
  localS3Client,
  type S3Local,
  startDynamoDbLocal,
  startS3Local,
} from "@movies/local-aws";
import type { S3Event, S3EventRecord } from "aws-lambda";
import { docsSite } from "./docs-site.ts";
import { LOCAL_FAN_OUT_ARN, localFanOut, localStepFunctions } from "./fan-out/local-fan-out.ts";
import { type GatewayRoute, type ProxyHandler, startHttpGateway } from "./http-gateway.ts";
import type { SeedOutcome } from "./start-options.ts";

export interface LocalStackOptions {
  readonly httpPort: number;
  readonly s3Port: number;
  readonly dynamoDbPort: number;
  readonly bucket: string;
  readonly tableName: string;
  /** Origins whose browser pages may call the HTTP API; none when left out. */
  readonly corsOrigins?: readonly string[];
  /**
   * Uploads larger than this many bytes run through the fan-out state machine's definition,
   * locally; the deployed default when left out.
   */
  readonly fanOutThresholdBytes?: number;
  /** A CSV uploaded through the S3 path once the stack is up, e.g. the seed's three movies. */
  readonly seedFile?: string;
}

export interface LocalStack {
  readonly httpUrl: string;
  readonly s3Endpoint: string;
  readonly dynamoDbEndpoint: string;
  readonly dynamoDbVia: DynamoDbLocal["via"];
  /** How loading the seed went, when one was given; a failed load leaves the stack serving. */
  readonly seed: SeedOutcome | undefined;
  stop(): Promise<void>;
}

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
    stops.push(async () => dynamoClient.destroy());
    await ensureTable(dynamoClient, options.tableName);

    const directory = await mkdtemp(join(tmpdir(), "movies-local-s3-"));
    stops.push(() => rm(directory, { recursive: true, force: true }));
    const s3 = await startS3Local({ port: options.s3Port, directory, buckets: [options.bucket] });
    stops.push(() => s3.stop());
    const s3Client = localS3Client(s3.endpoint);
    stops.push(async () => s3Client.destroy());

    // The handlers Lambda runs, built from the local clients: nothing read from the environment.
    const store = movieStore(dynamoClient, options.tableName);
    const logger = createLogger();
    const allowedOrigins = options.corsOrigins ?? [];
    // Large uploads: the deployed state machine definition, run here, its tasks calling the
    // fan-out handler as Step Functions calls the function.
    const fanOutHandler = makeIngestFanOutHandler({
      ...store,
      s3: s3Client,
      logger,
      metrics: createMetrics(),
    });
    const stepFunctions = localStepFunctions(
      localFanOut((event) =>
        fanOutHandler(event, lambdaContext("ingest-fan-out", INGEST_TIMEOUT_MS)),
      ),
    );
    // Stopped first (stops run last to first): running executions end before their services.
    stops.push(() => stepFunctions.idle());
    const handlers = {
      "get-movie": makeGetMovieHandler({ logger, store, allowedOrigins }),
      "update-movie-rating": makeUpdateMovieRatingHandler({ logger, store, allowedOrigins }),
      "list-movies": makeListMoviesHandler({ logger, store, allowedOrigins }),
      "delete-movie": makeDeleteMovieHandler({ logger, store, allowedOrigins }),
      "ingest-movie-infos": makeIngestMovieInfosHandler({
        ...store,
        bucket: options.bucket,
        s3: s3Client,
        logger,
        metrics: createMetrics(),
        fanOut: {
          stateMachineArn: LOCAL_FAN_OUT_ARN,
          thresholdBytes: options.fanOutThresholdBytes ?? FAN_OUT_THRESHOLD_BYTES,
          maxConcurrency: FAN_OUT_MAX_CONCURRENCY,
        },
        sfn: stepFunctions,
      }),
      "ingest-fan-out": fanOutHandler,
    } satisfies Record<FunctionName, unknown>;

    const ingests = ingestQueue(handlers["ingest-movie-infos"]);
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
      cors: corsPolicy(allowedOrigins),
      site: docsSite,
    });
    stops.push(() => gateway.stop());

    return {
      httpUrl: gateway.url,
      s3Endpoint: s3.endpoint.replace("127.0.0.1", "localhost"),
      dynamoDbEndpoint: dynamo.endpoint.replace("127.0.0.1", "localhost"),
      dynamoDbVia: dynamo.via,
      seed: options.seedFile
        ? await seed(s3, options.bucket, options.seedFile, ingests)
        : undefined,
      stop,
    };
  } catch (error) {
    await stop();
    throw error;
  }
}

type IngestHandler = (event: S3Event, context: ReturnType<typeof lambdaContext>) => Promise<void>;

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
  const waiting = new Map<string, (failure: string | undefined) => void>();
  const invoke = async (record: S3EventRecord) => {
    const failure = await invokeWithRetries(record);
    const key = decodeS3Key(record.s3.object.key);
    waiting.get(key)?.(failure);
    waiting.delete(key);
  };
  /** Undefined once an attempt succeeds; else why the last attempt failed. */
  const invokeWithRetries = async (record: S3EventRecord) => {
    let failure = "";
    for (let attempt = 1; attempt <= INGEST_MAX_ATTEMPTS; attempt++) {
      try {
        await handler(
          { Records: [record] },
          lambdaContext("ingest-movie-infos", INGEST_TIMEOUT_MS),
        );
        return undefined;
      } catch (error) {
        failure = error instanceof Error ? error.message : String(error);
        console.error(
          `local stack: ingest of ${record.s3.object.key} failed ` +
            `(attempt ${attempt} of ${INGEST_MAX_ATTEMPTS}): ${failure}`,
        );
      }
    }
    return failure;
  };
  return {
    enqueue(record: S3EventRecord) {
      tail = tail.then(() => invoke(record));
    },
    /** Resolves once an ingest of this key, queued now or later, has finished: why it failed, if it did. */
    finished: (key: string) =>
      new Promise<string | undefined>((resolve) => waiting.set(key, resolve)),
  };
}

/**
 * Uploads the seed through the S3 path, as a user would, waits for its ingest and reads its
 * report. Any failure is the outcome, not an error: the stack serves on without the seed.
 */
async function seed(
  s3: S3Local,
  bucket: string,
  file: string,
  ingests: ReturnType<typeof ingestQueue>,
): Promise<SeedOutcome> {
  const key = "movie-infos.csv";
  const client = localS3Client(s3.endpoint);
  try {
    const body = await readFile(file);
    const finished = ingests.finished(key);
    const put = await client.send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: body }));
    const failure = await finished;
    if (failure !== undefined) return { loaded: false, reason: failure };
    const object = { bucket, key, versionId: put.VersionId, eTag: put.ETag?.replace(/"/g, "") };
    const report = await client.send(
      new GetObjectCommand({ Bucket: bucket, Key: reportKey(object) }),
    );
    const { status, written, reason, error } = JSON.parse(
      (await report.Body?.transformToString()) ?? "{}",
    ) as { status?: string; written?: number; reason?: string; error?: string };
    if (status === "completed") return { loaded: true, written: written ?? 0 };
    return {
      loaded: false,
      reason: `its ingest ended ${status}: ${reason ?? error ?? "see the log"}`,
    };
  } catch (error) {
    return { loaded: false, reason: error instanceof Error ? error.message : String(error) };
  } finally {
    client.destroy();
  }
}
