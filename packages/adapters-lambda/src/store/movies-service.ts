import type { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { Service } from "electrodb";
import { ingestSnapshotEntity } from "./ingest-snapshot-entity.ts";
import { movieInfoEntity } from "./movie-info-entity.ts";
import { movieRatingEntity } from "./movie-rating-entity.ts";

/** The entities of the single table, bound to one client and table name. */
export function moviesService(client: DynamoDBClient, table: string) {
  return new Service(
    {
      movieInfo: movieInfoEntity,
      movieRating: movieRatingEntity,
      ingestSnapshot: ingestSnapshotEntity,
    },
    { client, table },
  );
}

export type MoviesService = ReturnType<typeof moviesService>;
