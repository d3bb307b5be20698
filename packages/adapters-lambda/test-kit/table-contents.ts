import type { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { DynamoDBDocumentClient, ScanCommand } from "@aws-sdk/lib-dynamodb";
import type { MovieInfo } from "@movies/domain";

/**
 * Every movie info item of the table whose movie id starts with `prefix` in any letter case, read
 * with a consistent scan: what a test compares with a catalogue's expected map, so that an item
 * lost or an item too many both show.
 */
export async function storedMovieInfos(
  client: DynamoDBClient,
  tableName: string,
  prefix: string,
): Promise<Map<string, MovieInfo>> {
  const documents = DynamoDBDocumentClient.from(client);
  const stored = new Map<string, MovieInfo>();
  let start: Record<string, unknown> | undefined;
  do {
    const page = await documents.send(
      new ScanCommand({
        TableName: tableName,
        ConsistentRead: true,
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
  return stored;
}

/** A map as a sorted list of entries, so that a difference reads well in a failed assertion. */
export function sortedEntries<V>(map: ReadonlyMap<string, V>): Array<[string, V]> {
  return [...map.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
}
