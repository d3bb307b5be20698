import { injectLambdaContext } from "@aws-lambda-powertools/logger/middleware";
import middy from "@middy/core";
import type { S3Event } from "aws-lambda";
import { coldStart, s3Client } from "../clients.ts";
import { deadlineSignal } from "../ingest/deadline.ts";
import { ingestS3Object } from "../ingest/ingest-s3-object.ts";
import { csvObjectsOf } from "../ingest/s3-object-ref.ts";
import { createMetrics } from "../observability/metrics.ts";

// S3 ObjectCreated for `.csv` keys (SPEC §4.1). Built once per cold start; runs one at a time.
const { config, logger, store } = coldStart(process.env, { bucket: true });
const deps = { ...store, s3: s3Client(config), logger, metrics: createMetrics() };

export const handler = middy<S3Event, void>()
  .use(injectLambdaContext(logger))
  .handler(async (event, context) => {
    const signal = deadlineSignal(context);
    for (const object of csvObjectsOf(event, config.bucket ?? "")) {
      logger.appendKeys({ bucket: object.bucket, key: object.key });
      await ingestS3Object(deps, object, signal);
    }
  });
