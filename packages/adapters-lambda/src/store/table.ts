import {
  CreateTableCommand,
  type DynamoDBClient,
  ResourceInUseException,
  waitUntilTableExists,
} from "@aws-sdk/client-dynamodb";

/** The table's generic key attributes. */
export const TABLE_KEY = { pk: "pk", sk: "sk" } as const;

/**
 * Creates the single table the entities share (generic `pk`/`sk`, on demand) unless it exists.
 * Terraform owns the deployed table; this serves DynamoDB Local in tests and the local stack.
 */
export async function ensureTable(client: DynamoDBClient, tableName: string): Promise<void> {
  try {
    await client.send(
      new CreateTableCommand({
        TableName: tableName,
        BillingMode: "PAY_PER_REQUEST",
        AttributeDefinitions: [
          { AttributeName: TABLE_KEY.pk, AttributeType: "S" },
          { AttributeName: TABLE_KEY.sk, AttributeType: "S" },
        ],
        KeySchema: [
          { AttributeName: TABLE_KEY.pk, KeyType: "HASH" },
          { AttributeName: TABLE_KEY.sk, KeyType: "RANGE" },
        ],
      }),
    );
  } catch (error) {
    if (!(error instanceof ResourceInUseException)) throw error;
  }
  await waitUntilTableExists({ client, maxWaitTime: 30, minDelay: 1 }, { TableName: tableName });
}
