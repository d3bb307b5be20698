import {
  type BatchWriteItemCommandInput,
  type BatchWriteItemCommandOutput,
  type DynamoDBClient,
  ProvisionedThroughputExceededException,
  type WriteRequest,
} from "@aws-sdk/client-dynamodb";

/**
 * A fault-injecting SDK middleware for tests: DynamoDB Local never throttles and never leaves
 * items unprocessed, so these faults are made here, in front of the real DynamoDB Local call.
 */
export interface FaultPlan {
  /** Called per BatchWriteItem call (1-based); true throws a throughput error instead of sending. */
  readonly throttle?: (call: number) => boolean;
  /** Called per call; how many of its write requests to hold back and report as unprocessed. */
  readonly unprocessed?: (call: number, requests: number) => number;
}

export interface FaultInjection {
  readonly stats: { batchWriteCalls: number; throttled: number; heldBack: number };
  remove(): void;
}

const NAME = "movies-test-fault-injection";

export function injectBatchWriteFaults(client: DynamoDBClient, plan: FaultPlan): FaultInjection {
  const stats = { batchWriteCalls: 0, throttled: 0, heldBack: 0 };
  client.middlewareStack.add(
    (next, context) => async (args) => {
      if (context.commandName !== "BatchWriteItemCommand") return next(args);
      const call = ++stats.batchWriteCalls;
      if (plan.throttle?.(call)) {
        stats.throttled++;
        throw new ProvisionedThroughputExceededException({
          message: "injected: throughput exceeded",
          $metadata: {},
        });
      }
      const input = args.input as BatchWriteItemCommandInput;
      const [table, requests = []] = Object.entries(input.RequestItems ?? {})[0] ?? [];
      const hold = Math.min(plan.unprocessed?.(call, requests.length) ?? 0, requests.length);
      if (!table || hold === 0) return next(args);
      stats.heldBack += hold;
      const sent: WriteRequest[] = requests.slice(hold);
      const held: WriteRequest[] = requests.slice(0, hold);
      const result = await (sent.length > 0
        ? next({ ...args, input: { ...input, RequestItems: { [table]: sent } } })
        : Promise.resolve({ output: { $metadata: {} }, response: {} }));
      const output = result.output as BatchWriteItemCommandOutput;
      const already = output.UnprocessedItems?.[table] ?? [];
      return {
        ...result,
        output: { ...output, UnprocessedItems: { [table]: [...held, ...already] } },
      };
    },
    // Serialize step: after the document client marshalled the input, before the SDK's retries.
    { step: "serialize", priority: "high", name: NAME },
  );
  return { stats, remove: () => client.middlewareStack.remove(NAME) };
}
