/**
 * The fan-out state machine on one machine, for the local stack and the tests: the deployed
 * definition file, run by `aws-local-stepfunctions` with its Lambda tasks bound to a local
 * function. Local-only: it ships in no zip.
 *
 * What the interpreter does not do, and why nothing needs bridging here:
 * - Distributed mode (`ProcessorConfig.Mode`) is ignored: the items run as inline iterations,
 *   `MaxConcurrencyPath` bounding them, which is what the distributed children do too.
 * - `ItemReader` / `ItemBatcher` / `ResultWriter` are not supported: the definition uses none
 *   (the plan's chunk list is in the state, and results go to S3 from the chunks themselves).
 * - Tasks call no Lambda: `taskResourceLocalHandlers` binds every task state to `invoke`.
 * - Retry intervals are real seconds; `retryIntervalMs` shortens them.
 * - A task without `TimeoutSeconds` times out after 60 s here (Step Functions waits for the
 *   function's own timeout): the definition sets 900 s, the functions' maximum, on every task.
 */

import {
  type FanOutEvent,
  type FanOutExecutionInput,
  fanOutDefinition,
} from "@movies/adapters-lambda/fan-out";
import { ExecutionError, StateMachine, type StateMachineDefinition } from "aws-local-stepfunctions";

/** The task states of the definition, each of which invokes the fan-out function. */
const TASK_STATES = ["Plan", "Chunk", "Finish", "ReportFailure"] as const;
const LOCAL_ARN = "arn:aws:lambda:us-east-1:000000000000:function:movies-ingest-fan-out";
/** What the local stack's ingest is told the state machine is. */
export const LOCAL_FAN_OUT_ARN =
  "arn:aws:states:us-east-1:000000000000:stateMachine:movies-ingest-fan-out";

export interface LocalFanOutOptions {
  /** Waits between retries of a task, instead of the definition's seconds; default 0. */
  readonly retryIntervalMs?: number;
}

export type LocalExecution =
  | { readonly status: "SUCCEEDED"; readonly output: unknown }
  | { readonly status: "FAILED"; readonly error: string };

export function localFanOut(
  invoke: (event: FanOutEvent) => Promise<unknown>,
  options: LocalFanOutOptions = {},
) {
  const machine = new StateMachine(
    fanOutDefinition(LOCAL_ARN) as unknown as StateMachineDefinition,
  );
  const interval = options.retryIntervalMs ?? 0;
  const handler = async (input: unknown) =>
    JSON.parse(JSON.stringify((await invoke(input as FanOutEvent)) ?? null));
  const overrides = {
    taskResourceLocalHandlers: Object.fromEntries(TASK_STATES.map((name) => [name, handler])),
    retryIntervalOverrides: Object.fromEntries(TASK_STATES.map((name) => [name, interval])),
  };
  return {
    /** Runs one execution to its end. */
    async run(input: FanOutExecutionInput): Promise<LocalExecution> {
      const execution = machine.run(JSON.parse(JSON.stringify(input)), { overrides });
      try {
        return { status: "SUCCEEDED", output: await execution.result };
      } catch (error) {
        if (error instanceof ExecutionError) return { status: "FAILED", error: error.message };
        throw error;
      }
    },
  };
}

export type LocalFanOut = ReturnType<typeof localFanOut>;

/**
 * What the ingest's routing calls StartExecution on, locally: the named execution runs in the
 * background, once per name (a second start of a name is a no-op, as Step Functions makes it).
 */
export function localStepFunctions(fanOut: LocalFanOut) {
  const executions = new Map<string, Promise<LocalExecution>>();
  return {
    async send(command: { input: { name?: string; input?: string } }): Promise<object> {
      const { name, input } = command.input;
      if (name === undefined || input === undefined) throw new Error("a name and an input");
      if (!executions.has(name)) {
        executions.set(name, fanOut.run(JSON.parse(input) as FanOutExecutionInput));
      }
      return {};
    },
    /** The execution of that name, to wait for it. */
    execution(name: string): Promise<LocalExecution> | undefined {
      return executions.get(name);
    },
    /** Resolves once every execution started so far has ended. */
    async idle(): Promise<void> {
      await Promise.all(executions.values());
    },
  };
}
