import type { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { Service } from "electrodb";
import { ingestSnapshotEntity } from "./ingest-snapshot-entity.ts";
import { movieInfoEntity } from "./movie-info-entity.ts";
import { movieRatingEntity } from "./movie-rating-entity.ts";

/**
 * The entities of the single table, bound to one client and table name.
 *
 * Each service gets entity instances of its own: ElectroDB's Service sets its client and table on
 * the entities it is given, so shared ones would let the last service built take over every
 * other (two tables in one process, e.g. tests, would write into each other). The entity files
 * export factories, so a cold start builds each schema once.
 */
export function moviesService(client: DynamoDBClient, table: string) {
  return new Service(
    {
      movieInfo: movieInfoEntity(),
      movieRating: movieRatingEntity(),
      ingestSnapshot: ingestSnapshotEntity(),
    },
    { client, table },
  );
}

export type MoviesService = ReturnType<typeof moviesService>;
