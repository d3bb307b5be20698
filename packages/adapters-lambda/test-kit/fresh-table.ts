import { randomUUID } from "node:crypto";
import {
  DeleteTableCommand,
  type DynamoDBClient,
  ResourceNotFoundException,
} from "@aws-sdk/client-dynamodb";
import { localDynamoDbClient } from "@movies/local-aws";
import { afterAll, inject } from "vitest";
import { ensureTable } from "../src/store/table.ts";

export interface FreshTable {
  readonly client: DynamoDBClient;
  readonly tableName: string;
}

const created: FreshTable[] = [];

/*
 * Registered while the test file is collected, because vitest ignores afterAll calls made from
 * inside a running beforeAll; so freshTable() works at top level and in beforeAll alike.
 */
afterAll(async () => {
  const tables = created.splice(0);
  await Promise.all(
    tables.map(async ({ client, tableName }) => {
      try {
        await client.send(new DeleteTableCommand({ TableName: tableName }));
      } catch (error) {
        if (!(error instanceof ResourceNotFoundException)) throw error;
      } finally {
        client.destroy();
      }
    }),
  );
});

/**
 * A new, empty single table on the run's DynamoDB Local, deleted after the file's tests.
 * Names are unique, so test files run in parallel without seeing each other's items.
 */
export async function freshTable(prefix = "movies-test"): Promise<FreshTable> {
  const client = localDynamoDbClient(inject("dynamoDbEndpoint"));
  const table: FreshTable = { client, tableName: `${prefix}-${randomUUID()}` };
  created.push(table);
  await ensureTable(client, table.tableName);
  return table;
}
