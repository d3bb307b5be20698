import { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { S3Client } from "@aws-sdk/client-s3";
import { SFNClient } from "@aws-sdk/client-sfn";
import { type Config, loadConfig } from "./config.ts";
import { createLogger } from "./observability/logger.ts";
import { createMetrics } from "./observability/metrics.ts";
import { DynamoMovieInfoRepo } from "./store/movie-info-repo.ts";
import { moviesServiceOnFirstUse } from "./store/movies-service.ts";
import { DynamoRatingRepo } from "./store/rating-repo.ts";
import { SnapshotLedger } from "./store/snapshot-ledger.ts";

export function dynamoClient(config: Config): DynamoDBClient {
  return new DynamoDBClient({
    region: config.region,
    ...(config.dynamoEndpoint && { endpoint: config.dynamoEndpoint }),
  });
}

export function s3Client(config: Config): S3Client {
  return new S3Client({
    region: config.region,
    // A local S3 server serves buckets by path, not by virtual host.
    ...(config.s3Endpoint && { endpoint: config.s3Endpoint, forcePathStyle: true }),
  });
}

/**
 * The repositories of one table, sharing one client. Their ElectroDB service is built by the
 * first request that reaches the store, not at cold start.
 */
export function movieStore(client: DynamoDBClient, tableName: string) {
  const service = moviesServiceOnFirstUse(client, tableName);
  const movieInfos = new DynamoMovieInfoRepo(client, service);
  return {
    movieInfos,
    ratings: new DynamoRatingRepo(service, movieInfos),
    snapshots: new SnapshotLedger(service),
  };
}

export type MovieStore = ReturnType<typeof movieStore>;

/** What every function builds once per cold start: its checked config, logger, store and CORS origins. */
export function coldStart(
  env: Readonly<Record<string, string | undefined>>,
  needs: { readonly bucket: boolean } = { bucket: false },
) {
  const config = loadConfig(env, needs);
  return {
    config,
    logger: createLogger(),
    store: movieStore(dynamoClient(config), config.tableName),
    allowedOrigins: config.allowedOrigins,
  };
}

/** The functions that read the bucket: the store, plus its bucket, S3 client and metrics. */
export function bucketColdStart(env: Readonly<Record<string, string | undefined>>) {
  const { config, logger, store } = coldStart(env, { bucket: true });
  return {
    config,
    ...store,
    bucket: config.bucket ?? "",
    s3: s3Client(config),
    logger,
    metrics: createMetrics(),
  };
}

/** The ingest function's cold start: what reads the bucket, plus how a large object fans out. */
export function ingestColdStart(env: Readonly<Record<string, string | undefined>>) {
  const deps = bucketColdStart(env);
  return {
    ...deps,
    fanOut: deps.config.fanOut,
    sfn: new SFNClient({ region: deps.config.region }),
  };
}
