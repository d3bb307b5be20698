// Import-time breakdown: the SDK-only baseline plus ElectroDB (and what it pulls in: the document
// client, jsonschema), imported but not used. Built like the function zips.
import { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { Service } from "electrodb";

const client = new DynamoDBClient({});

export const handler = async (): Promise<string> =>
  `${typeof Service} ${await client.config.region()}`;
