import { Readable } from "node:stream";
import { DynamoDBClient } from "@aws-sdk/client-dynamodb";

/** What the in-memory sink saw, for checking that every row reached it. */
export interface SinkCounts {
  requests: number;
  /** Bytes of request bodies (transport sink) or write requests (command sink). */
  bodyBytes: number;
  writeRequests: number;
}

/**
 * A stand-in for the DynamoDB client that takes each command at `send` and answers at once as
 * DynamoDB does when everything succeeded: the ingest's own work (parsing, domain, item
 * building, commands) runs in full, the AWS SDK's serialisation, signing and transport do not.
 */
export function commandSinkClient(): { client: DynamoDBClient; counts: SinkCounts } {
  const counts: SinkCounts = { requests: 0, bodyBytes: 0, writeRequests: 0 };
  const client = {
    send: async (command: { input?: { RequestItems?: Record<string, unknown[]> } }) => {
      counts.requests++;
      // BatchWriteItemCommand, or the document client's BatchWriteCommand (ElectroDB's path).
      const requestItems = command.input?.RequestItems;
      if (requestItems !== undefined && /^BatchWrite/.test(command.constructor.name)) {
        for (const requests of Object.values(requestItems)) counts.writeRequests += requests.length;
        return { UnprocessedItems: {}, $metadata: {} };
      }
      return { $metadata: {} };
    },
  };
  return { client: client as unknown as DynamoDBClient, counts };
}

const OK_BODY = Buffer.from('{"UnprocessedItems":{}}');

/**
 * A DynamoDBClient whose transport answers every request at once with an empty
 * `UnprocessedItems`: everything of a real write runs (ElectroDB or the fast item builder,
 * marshalling, JSON serialisation, SigV4 signing, response parsing) except the network and
 * DynamoDB. It measures the CPU the ingest itself costs.
 */
export function memorySinkClient(): {
  client: DynamoDBClient;
  counts: SinkCounts;
} {
  const counts: SinkCounts = { requests: 0, bodyBytes: 0, writeRequests: 0 };
  const client = new DynamoDBClient({
    region: "us-east-1",
    endpoint: "http://127.0.0.1:9",
    credentials: { accessKeyId: "local", secretAccessKey: "local" },
    requestHandler: {
      handle: async (request: { body?: unknown }) => {
        counts.requests++;
        const { body } = request;
        if (typeof body === "string") counts.bodyBytes += body.length;
        else if (body instanceof Uint8Array) counts.bodyBytes += body.byteLength;
        return {
          response: {
            statusCode: 200,
            headers: { "content-type": "application/x-amz-json-1.0" },
            body: Readable.from([OK_BODY]),
          },
        };
      },
    } as never,
  });
  return { client, counts };
}
