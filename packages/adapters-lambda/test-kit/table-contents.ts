import type { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { DynamoDBDocumentClient, ScanCommand } from "@aws-sdk/lib-dynamodb";
import type { MovieInfo } from "@movies/domain";

/**
 * Every movie info item of the table whose movie id starts with `prefix` in any letter case, read
 * with a consistent scan: what a test compares with a catalogue's expected map, so that an item
 * lost or an item too many both show.
 *
 * The scan runs in `segments` segments: DynamoDB Local's cost per page grows with how far into a
 * segment the page starts, so one segment over a million items takes tens of minutes.
 */
export async function storedMovieInfos(
  client: DynamoDBClient,
  tableName: string,
  prefix: string,
  segments = 1,
): Promise<Map<string, MovieInfo>> {
  const documents = DynamoDBDocumentClient.from(client);
  const stored = new Map<string, MovieInfo>();
  const scanSegment = async (segment: number) => {
    let start: Record<string, unknown> | undefined;
    do {
      const page = await documents.send(
        new ScanCommand({
          TableName: tableName,
          ConsistentRead: true,
          ...(segments > 1 && { Segment: segment, TotalSegments: segments }),
          FilterExpression: "#entity = :info",
          ExpressionAttributeNames: { "#entity": "__edb_e__" },
          ExpressionAttributeValues: { ":info": "movie_info" },
          ...(start && { ExclusiveStartKey: start }),
        }),
      );
      for (const raw of page.Items ?? []) {
        const item = raw as MovieInfo;
        if (!item.movie_id.toLowerCase().startsWith(prefix.toLowerCase())) continue;
        stored.set(item.movie_id, {
          movie_id: item.movie_id,
          name: item.name,
          country_of_origin: item.country_of_origin,
          release_date: item.release_date,
        });
      }
      start = page.LastEvaluatedKey;
    } while (start);
  };
  // At most 8 requests in flight: DynamoDB Local on a busy machine is slow to accept more.
  let next = 0;
  const worker = async () => {
    while (next < segments) await scanSegment(next++);
  };
  await Promise.all(Array.from({ length: Math.min(8, segments) }, worker));
  return stored;
}

/** A map as a sorted list of entries, so that a difference reads well in a failed assertion. */
export function sortedEntries<V>(map: ReadonlyMap<string, V>): Array<[string, V]> {
  return [...map.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
}
