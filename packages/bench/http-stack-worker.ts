import { join } from "node:path";
import { startLocalStack } from "@movies/local-stack";
import { PACKAGE_DIR, RESULT_MARK } from "./lib.ts";

/**
 * Runs the local stack (HTTP gateway, S3 server, handlers; DynamoDB from the parent's endpoint
 * in MOVIES_DYNAMODB_ENDPOINT, so no second DynamoDB Local) with the seed's three movies, prints
 * its URL, and stops it on SIGTERM or when the parent goes away.
 */
export async function httpStack(input: { tableName: string; bucket: string }): Promise<never> {
  const stack = await startLocalStack({
    httpPort: 0,
    s3Port: 0,
    dynamoDbPort: 0,
    bucket: input.bucket,
    tableName: input.tableName,
    seedFile: join(PACKAGE_DIR, "..", "local-stack", "seed", "movie-infos.csv"),
  });
  let stopping = false;
  const stop = async () => {
    if (stopping) return;
    stopping = true;
    await stack.stop();
    process.exit(0);
  };
  process.on("SIGTERM", stop);
  process.on("SIGINT", stop);
  process.stdin.on("end", stop).on("error", stop).resume();
  process.stdout.write(`${RESULT_MARK}${JSON.stringify({ url: stack.httpUrl })}\n`);
  return new Promise<never>(() => {});
}
