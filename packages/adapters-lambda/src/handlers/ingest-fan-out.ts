import { injectLambdaContext } from "@aws-lambda-powertools/logger/middleware";
import middy from "@middy/core";
import { deadlineSignal } from "../ingest/deadline.ts";
import { type FanOutEvent, runFanOutStep } from "../ingest/fan-out/fan-out-step.ts";
import type { FanOutDeps } from "../ingest/fan-out/fan-out-steps.ts";

export type IngestFanOutHandlerDeps = FanOutDeps;

/**
 * Invoked by the fan-out state machine: its plan, each chunk, the finish and the failure report
 * of one large object. What it throws, the state machine retries.
 */
export function makeIngestFanOutHandler(deps: IngestFanOutHandlerDeps) {
  return middy<FanOutEvent, unknown>()
    .use(injectLambdaContext(deps.logger))
    .handler(async (event, context) => {
      deps.logger.appendKeys({
        bucket: event.object.bucket,
        key: event.object.key,
        step: event.step,
      });
      return runFanOutStep(deps, event, deadlineSignal(context));
    });
}
