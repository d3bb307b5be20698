import { createRequire } from "node:module";
import { describe, expect, test } from "vitest";
import { fanOutDefinition } from "./fan-out-definition.ts";

const validate = createRequire(import.meta.url)("asl-validator") as (definition: unknown) => {
  isValid: boolean;
  errorsText: (separator?: string) => string;
};

const ARN = "arn:aws:lambda:eu-west-1:000000000000:function:movies-ingest-fan-out";

describe("the fan-out state machine definition", () => {
  test("is valid ASL once the function's ARN is filled in", () => {
    const result = validate(fanOutDefinition(ARN));
    expect(result.errorsText("\n")).toBe("");
    expect(result.isValid).toBe(true);
  });

  test("fans out on a Distributed Map whose chunk task retries with backoff", () => {
    const { States } = fanOutDefinition(ARN) as {
      States: Record<string, Record<string, unknown>>;
    };
    const map = States["Chunks"] as {
      ItemProcessor: { ProcessorConfig: { Mode: string }; States: Record<string, unknown> };
      MaxConcurrencyPath: string;
    };
    expect(map.ItemProcessor.ProcessorConfig.Mode).toBe("DISTRIBUTED");
    expect(map.MaxConcurrencyPath).toBe("$.max_concurrency");
    const chunk = map.ItemProcessor.States["Chunk"] as {
      Resource: string;
      Retry: { BackoffRate: number }[];
    };
    expect(chunk.Resource).toBe(ARN);
    expect(chunk.Retry[0]?.BackoffRate).toBeGreaterThan(1);
    // Terraform's templatefile() reads the same file: nothing else in it may look like a
    // template interpolation or directive.
    expect(JSON.stringify(States)).not.toContain("${");
    expect(JSON.stringify(States)).not.toContain("%{");
  });

  test("every task waits as long as the function may run (900 s), not an interpreter's default", () => {
    const text = JSON.stringify(fanOutDefinition(ARN));
    const tasks = text.split(`"Resource":"${ARN}"`).length - 1;
    expect(tasks).toBe(4);
    expect(text.split('"TimeoutSeconds":900').length - 1).toBe(tasks);
  });

  test("an invalid definition is told apart (the validator is really checking)", () => {
    const definition = fanOutDefinition(ARN) as { States: Record<string, unknown> };
    delete definition.States["Finish"];
    expect(validate(definition).isValid).toBe(false);
  });
});
