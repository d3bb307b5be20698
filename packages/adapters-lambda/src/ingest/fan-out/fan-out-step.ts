import type { S3ObjectRef } from "../s3-object-ref.ts";
import type { ChunkRef } from "./fan-out-layout.ts";
import {
  type FanOutDeps,
  failFanOut,
  finishFanOut,
  ingestChunk,
  planFanOut,
} from "./fan-out-steps.ts";

/**
 * What the state machine sends the fan-out function: one function serves the plan, each chunk,
 * and the finish (one zip, one role: they read and write the same things). Its results are
 * small: only the plan's chunk list goes into the state.
 */
export type FanOutEvent =
  | { readonly step: "plan"; readonly object: S3ObjectRef }
  | { readonly step: "chunk"; readonly object: S3ObjectRef; readonly chunk: ChunkRef }
  | { readonly step: "finish"; readonly object: S3ObjectRef }
  | {
      readonly step: "fail";
      readonly object: S3ObjectRef;
      readonly error?: { readonly Error?: string; readonly Cause?: string };
    };

export async function runFanOutStep(
  deps: FanOutDeps,
  event: FanOutEvent,
  signal?: AbortSignal,
): Promise<unknown> {
  switch (event.step) {
    case "plan":
      return planFanOut(deps, event.object);
    case "chunk":
      return ingestChunk(deps, event.object, event.chunk, signal);
    case "finish": {
      const { status } = await finishFanOut(deps, event.object);
      return { status };
    }
    case "fail": {
      const { status } = await failFanOut(deps, event.object, event.error);
      return { status };
    }
  }
}
