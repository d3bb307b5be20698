import { GetObjectCommand, PutObjectCommand } from "@aws-sdk/client-s3";
import { lambdaContext } from "@movies/local-aws";
import type { FreshBucket } from "@movies/local-aws/test-kit";
import type { S3Event } from "aws-lambda";
import { afterAll, inject } from "vitest";
import { ingestColdStart } from "../src/clients.ts";
import { makeIngestMovieInfosHandler } from "../src/handlers/ingest-movie-infos.ts";
import type { IngestReport } from "../src/ingest/ingest-report.ts";
import { decodeS3Key } from "../src/ingest/s3-object-ref.ts";
import { reportKey } from "../src/wiring.ts";
import { type DynamoDbFaultProxy, startDynamoDbFaultProxy } from "./dynamodb-fault-proxy.ts";
import { type FreshTable, freshTable } from "./fresh-table.ts";
import { handlerEnv } from "./handler-env.ts";
import { s3CreatedEvent } from "./s3-created-event.ts";
import { storedMovieInfos } from "./table-contents.ts";

export interface IngestRig {
  readonly table: FreshTable;
  readonly bucket: FreshBucket;
  /** FAULT INJECTION: every DynamoDB call of this rig's ingest handler goes through this proxy. */
  readonly proxy: DynamoDbFaultProxy;
  /** Uploads a CSV and returns its ObjectCreated event, with an event time newer than any before. */
  upload(key: string, body: string): Promise<S3Event>;
  /** Runs the deployed handler on the event with a Lambda deadline of `timeoutMs`. */
  invoke(event: S3Event, timeoutMs?: number): Promise<void>;
  /** Like `invoke`, but tells how it ended instead of throwing. */
  attempt(event: S3Event, timeoutMs?: number): Promise<{ ok: true } | { ok: false; error: Error }>;
  reportOf(event: S3Event): Promise<IngestReport>;
  /** The movie infos stored under a test's id prefix (any letter case). */
  stored(prefix: string): ReturnType<typeof storedMovieInfos>;
}

const proxies: DynamoDbFaultProxy[] = [];

// Registered at import, while the test file is collected (as fresh-table.ts does): rigs are made
// inside concurrent tests, where no hook can be registered any more.
afterAll(async () => {
  await Promise.all(proxies.splice(0).map((proxy) => proxy.close()));
});

/**
 * The ingest handler as Lambda runs it, on a table of its own and the given bucket, with its
 * DynamoDB traffic going through a fault-injecting proxy of its own in front of the run's
 * DynamoDB Local. Rigs are independent, so tests that use one each can run concurrently. The
 * proxies are closed after the file's tests.
 */
export async function ingestRig(bucket: FreshBucket): Promise<IngestRig> {
  const table = await freshTable("movies-faults");
  const proxy = await startDynamoDbFaultProxy(inject("dynamoDbEndpoint"));
  proxies.push(proxy);
  const handler = makeIngestMovieInfosHandler(
    ingestColdStart(
      handlerEnv({
        tableName: table.tableName,
        bucket: bucket.bucket,
        dynamoEndpoint: proxy.endpoint,
      }),
    ),
  );

  let clock = Date.parse("2026-01-01T00:00:00.000Z");
  const invoke = async (event: S3Event, timeoutMs = 60_000) => {
    await handler(event, lambdaContext("ingest-movie-infos", timeoutMs));
  };
  return {
    table,
    bucket,
    proxy,
    async upload(key, body) {
      const put = await bucket.client.send(
        new PutObjectCommand({ Bucket: bucket.bucket, Key: key, Body: body }),
      );
      clock += 1000;
      return s3CreatedEvent(bucket.bucket, key, {
        eTag: put.ETag,
        eventTime: new Date(clock).toISOString(),
      });
    },
    invoke,
    async attempt(event, timeoutMs) {
      try {
        await invoke(event, timeoutMs);
        return { ok: true };
      } catch (error) {
        return { ok: false, error: error as Error };
      }
    },
    async reportOf(event) {
      const object = event.Records[0]?.s3.object;
      const key = decodeS3Key(object?.key ?? "");
      const { Body } = await bucket.client.send(
        new GetObjectCommand({
          Bucket: bucket.bucket,
          Key: reportKey({ key, eTag: object?.eTag }),
        }),
      );
      return JSON.parse((await Body?.transformToString()) ?? "") as IngestReport;
    },
    stored: (prefix) => storedMovieInfos(table.client, table.tableName, prefix),
  };
}
