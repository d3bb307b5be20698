import type { AttributeValue, ScanCommandInput } from "@aws-sdk/client-dynamodb";
import type { Page, StoredMovie } from "@movies/domain";
import type { MovieQuery } from "./movie-query.ts";
import { TABLE_KEY } from "./table.ts";

type Item = Record<string, AttributeValue>;

/**
 * The listing's access pattern: one Scan of the table per page, `Limit` bounding the items it
 * reads. A movie's info and rating share a partition, and a Scan returns a partition's items
 * together, in a fixed order while nothing changes; so a page's movies come whole, with their
 * ratings, from one call, and the next page starts after the last movie taken. No index is
 * written for it: the ingest's puts stay one write each, with no hot index partition.
 */
export function scanInput(table: string, limit: number, start: Item | undefined): ScanCommandInput {
  return {
    TableName: table,
    // At most two items a partition (info and rating; an ingest snapshot is one): twice the
    // movies asked for, plus one to see that the last partition taken is complete.
    Limit: 2 * limit + 1,
    ConsistentRead: true,
    ...(start !== undefined && { ExclusiveStartKey: start }),
  };
}

/**
 * The page in one Scan's items: the first `limit` movies whose partitions it read to the end.
 * `resume` is where the next page starts: after the last partition taken, or the Scan's own
 * `LastEvaluatedKey` when it took every partition it read; `undefined` at the table's end.
 */
export function pageOf(
  query: MovieQuery,
  items: readonly Item[],
  lastEvaluated: Item | undefined,
  limit: number,
): { readonly page: Page<StoredMovie>["items"]; readonly resume: Item | undefined } {
  const movies: StoredMovie[] = [];
  let resume: Item | undefined;
  let start = 0;
  while (start < items.length && movies.length < limit) {
    const pk = items[start]?.[TABLE_KEY.pk]?.S;
    let end = start + 1;
    while (end < items.length && items[end]?.[TABLE_KEY.pk]?.S === pk) end++;
    // A partition at the end of a Scan that goes on may have more items on the next call.
    if (end === items.length && lastEvaluated !== undefined) break;
    const movie = query.movieOf(items.slice(start, end));
    if (movie !== undefined) movies.push(movie);
    resume = keyOf(items[end - 1] as Item);
    start = end;
  }
  if (start === items.length && lastEvaluated === undefined) resume = undefined;
  else if (start === items.length) resume = lastEvaluated;
  return { page: movies, resume };
}

function keyOf(item: Item): Item {
  return {
    [TABLE_KEY.pk]: item[TABLE_KEY.pk] as AttributeValue,
    [TABLE_KEY.sk]: item[TABLE_KEY.sk] as AttributeValue,
  };
}
