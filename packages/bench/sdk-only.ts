// The import-time baseline: a bundle that only imports the DynamoDB client and creates one, built
// exactly as the function zips are (scripts/build.ts: minified ESM for node24).
import { DynamoDBClient } from "@aws-sdk/client-dynamodb";

const client = new DynamoDBClient({});

export const handler = async (): Promise<string> => String(await client.config.region());
