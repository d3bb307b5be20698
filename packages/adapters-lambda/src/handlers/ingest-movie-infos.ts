import { injectLambdaContext } from "@aws-lambda-powertools/logger/middleware";
import middy from "@middy/core";
import type { S3Event } from "aws-lambda";
import { deadlineSignal } from "../ingest/deadline.ts";
import { type RouteDeps, routeIngest } from "../ingest/fan-out/route-ingest.ts";
import { type IngestDeps, ingestS3Object } from "../ingest/ingest-s3-object.ts";
import { csvObjectsOf } from "../ingest/s3-object-ref.ts";

export interface IngestMovieInfosHandlerDeps extends IngestDeps, Pick<RouteDeps, "sfn" | "fanOut"> {
  /** The bucket the function ingests from; records of any other bucket are ignored. */
  readonly bucket: string;
}

/**
 * S3 ObjectCreated: each catalogue object of the event, one after the other, is either handed to
 * the fan-out state machine (a large object) or ingested here.
 */
export function makeIngestMovieInfosHandler(deps: IngestMovieInfosHandlerDeps) {
  return middy<S3Event, void>()
    .use(injectLambdaContext(deps.logger))
    .handler(async (event, context) => {
      const signal = deadlineSignal(context);
      for (const object of csvObjectsOf(event, deps.bucket)) {
        deps.logger.appendKeys({ bucket: object.bucket, key: object.key });
        if ((await routeIngest(deps, object)) === "fan-out") {
          deps.logger.info("handed to the fan-out state machine");
          continue;
        }
        await ingestS3Object(deps, object, signal);
      }
    });
}
