import { join } from "node:path";
import { ENV } from "@movies/adapters-lambda/wiring";
import { afterAll, beforeAll, describe, expect, inject, test } from "vitest";
import { type LocalStack, startLocalStack } from "./local-stack.ts";

/*
 * The stack started in this process (the end-to-end test starts it as a user does), here to
 * see what happens when its seed cannot be loaded: the stack must still come up and serve.
 */
let stack: LocalStack;

beforeAll(async () => {
  process.env[ENV.dynamoEndpoint] = inject("dynamoDbEndpoint");
  stack = await startLocalStack({
    httpPort: 0,
    s3Port: 0,
    dynamoDbPort: 0,
    bucket: "movie-infos",
    tableName: `movies-seedless-${process.pid}-${Date.now()}`,
    seedFile: join(import.meta.dirname, "no-such-seed.csv"),
  });
});

afterAll(() => stack?.stop());

describe("a seed that cannot be loaded", () => {
  test("is reported with its reason, and the stack serves on", async () => {
    expect(stack.seed).toEqual({
      loaded: false,
      reason: expect.stringMatching(/ENOENT.*no-such-seed\.csv/),
    });
    const response = await fetch(`${stack.httpUrl}/movies/mv1`);
    expect(response.status).toBe(404);
    expect(response.headers.get("content-type")).toBe("application/problem+json");
  });
});
