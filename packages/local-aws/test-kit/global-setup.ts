import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { TestProject } from "vitest/node";
import { type DynamoDbLocal, startDynamoDbLocal } from "../src/dynamodb-local.ts";
import { startS3Local } from "../src/s3-local.ts";
import type {} from "./provided-context.ts";

/**
 * One DynamoDB Local and one S3 server for the whole run: a JVM start costs seconds, so test
 * files share it and isolate themselves with their own tables and buckets.
 */
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const started = performance.now();
  const directory = await mkdtemp(join(tmpdir(), "movies-s3-local-"));
  let dynamo: DynamoDbLocal | undefined;
  try {
    dynamo = await startDynamoDbLocal();
    const s3 = await startS3Local({ directory, buckets: [] });
    project.provide("dynamoDbEndpoint", dynamo.endpoint);
    project.provide("s3Endpoint", s3.endpoint);
    const { MOVIES_TEST_VERBOSE } = process.env;
    if (MOVIES_TEST_VERBOSE) {
      console.info(
        `local services up in ${Math.round(performance.now() - started)} ms: ` +
          `DynamoDB ${dynamo.endpoint} (${dynamo.via}), S3 ${s3.endpoint}`,
      );
    }
    const running = dynamo;
    return async () => {
      await Promise.allSettled([s3.stop(), running.stop()]);
      await rm(directory, { recursive: true, force: true });
    };
  } catch (error) {
    await dynamo?.stop();
    await rm(directory, { recursive: true, force: true });
    throw error;
  }
}
