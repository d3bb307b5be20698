import { spawn, spawnSync } from "node:child_process";
import { randomUUID } from "node:crypto";
import { once } from "node:events";
import { type AddressInfo, createServer } from "node:net";
import { createInterface } from "node:readline";
import {
  CreateTableCommand,
  DeleteTableCommand,
  GetItemCommand,
  ListTablesCommand,
  PutItemCommand,
} from "@aws-sdk/client-dynamodb";
import { afterAll, describe, expect, inject, test, vi } from "vitest";
import {
  DynamoDbLocalUnavailableError,
  localDynamoDbClient,
  startDynamoDbLocal,
} from "./dynamodb-local.ts";
import { DYNAMODB_ENDPOINT_VARIABLE } from "./local-settings.ts";

const client = localDynamoDbClient(inject("dynamoDbEndpoint"));
const tableName = `local-aws-test-${randomUUID()}`;
await client.send(
  new CreateTableCommand({
    TableName: tableName,
    KeySchema: [
      { AttributeName: "pk", KeyType: "HASH" },
      { AttributeName: "sk", KeyType: "RANGE" },
    ],
    AttributeDefinitions: [
      { AttributeName: "pk", AttributeType: "S" },
      { AttributeName: "sk", AttributeType: "S" },
    ],
    BillingMode: "PAY_PER_REQUEST",
  }),
);
afterAll(async () => {
  await client.send(new DeleteTableCommand({ TableName: tableName }));
  client.destroy();
});

describe("the run's DynamoDB Local", () => {
  test("stores and returns an item in a fresh table", async () => {
    await client.send(
      new PutItemCommand({
        TableName: tableName,
        Item: { pk: { S: "movie#tt1" }, sk: { S: "info" }, name: { S: "Alien" } },
      }),
    );
    const got = await client.send(
      new GetItemCommand({
        TableName: tableName,
        Key: { pk: { S: "movie#tt1" }, sk: { S: "info" } },
        ConsistentRead: true,
      }),
    );
    expect(got.Item).toMatchObject({ name: { S: "Alien" } });
  });

  test("shares one database whatever the credentials (-sharedDb)", async () => {
    const other = localDynamoDbClient(inject("dynamoDbEndpoint"));
    try {
      const { TableNames = [] } = await other.send(new ListTablesCommand({}));
      expect(TableNames).toContain(tableName);
    } finally {
      other.destroy();
    }
  });
});

describe("startDynamoDbLocal", () => {
  test("an endpoint in MOVIES_DYNAMODB_ENDPOINT wins and starts nothing", async () => {
    vi.stubEnv(DYNAMODB_ENDPOINT_VARIABLE, "http://127.0.0.1:1");
    try {
      const local = await startDynamoDbLocal();
      expect(local).toMatchObject({ endpoint: "http://127.0.0.1:1", via: "env" });
      await local.stop();
    } finally {
      vi.unstubAllEnvs();
    }
  });

  test("refuses a port that something else already listens on", async () => {
    const squatter = createServer();
    await new Promise<void>((resolve) => squatter.listen(0, resolve));
    const { port } = squatter.address() as AddressInfo;
    vi.stubEnv(DYNAMODB_ENDPOINT_VARIABLE, "");
    try {
      await expect(startDynamoDbLocal({ runtime: "java", port })).rejects.toThrow(
        `Port ${port} is in use`,
      );
    } finally {
      vi.unstubAllEnvs();
      squatter.close();
    }
  });

  test("without Java (or Docker) it says what to install", async () => {
    vi.stubEnv(DYNAMODB_ENDPOINT_VARIABLE, "");
    vi.stubEnv("JAVA_HOME", "");
    vi.stubEnv("PATH", "/nonexistent");
    try {
      const started = startDynamoDbLocal({ runtime: "java" });
      await expect(started).rejects.toBeInstanceOf(DynamoDbLocalUnavailableError);
      await expect(started).rejects.toThrow(
        /Java 17\+.*openjdk-17-jre-headless.*Docker.*MOVIES_DYNAMODB_ENDPOINT/s,
      );
    } finally {
      vi.unstubAllEnvs();
    }
  });
});

const javaRuns = spawnSync("java", ["-version"], { stdio: "ignore" }).status === 0;

/*
 * A parent that dies, however it dies, takes Java with it: the signals run our handlers, and
 * SIGKILL, which runs nothing of ours, is covered by the watchdog noticing its stdin close.
 */
describe.runIf(javaRuns)("a Java DynamoDB Local outlives no parent", () => {
  const parentScript = `
    const { startDynamoDbLocal } = await import(${JSON.stringify(new URL("./dynamodb-local.ts", import.meta.url).href)});
    const local = await startDynamoDbLocal({ runtime: "java" });
    console.log(JSON.stringify({ endpoint: local.endpoint }));
    setInterval(() => {}, 1000);
  `;

  // Concurrent tests must use their context's expect.
  test.concurrent.for(["SIGKILL", "SIGINT", "SIGTERM"] as const)(
    "after %s of the parent, nothing answers on its port",
    { timeout: 60_000 },
    async (signal, { expect }) => {
      const { NODE_OPTIONS: _, [DYNAMODB_ENDPOINT_VARIABLE]: __, ...env } = process.env;
      const parent = spawn(process.execPath, ["--input-type=module", "-e", parentScript], {
        env,
        stdio: ["ignore", "pipe", "inherit"],
      });
      try {
        const [line] = (await once(createInterface({ input: parent.stdout }), "line")) as [string];
        const { endpoint } = JSON.parse(line) as { endpoint: string };
        const probe = localDynamoDbClient(endpoint);
        try {
          await expect(probe.send(new ListTablesCommand({}))).resolves.toBeDefined();
          const exited = once(parent, "exit");
          parent.kill(signal);
          const [, exitSignal] = (await exited) as [number | null, NodeJS.Signals | null];
          expect(exitSignal).toBe(signal);
          await expect
            .poll(() => portIsFree(Number(new URL(endpoint).port)), { timeout: 10_000 })
            .toBe(true);
        } finally {
          probe.destroy();
        }
      } finally {
        parent.kill("SIGKILL");
      }
    },
  );
});

function portIsFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once("error", () => resolve(false));
    server.listen(port, () => server.close(() => resolve(true)));
  });
}
