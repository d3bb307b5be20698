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

/**
 * The same service, built on first use. Building it is most of what our layer costs at import
 * (ElectroDB validates each entity's model against its JSON schema, twice, and normalises its
 * indexes: about 15 ms of a cold start, by a CPU profile of the bundled functions), so a
 * function that is only initialised, or whose first request fails before the store, never pays
 * for it. Every property read builds it (once) and reads the real service's.
 */
export function moviesServiceOnFirstUse(client: DynamoDBClient, table: string): MoviesService {
  let built: MoviesService | undefined;
  const service = () => {
    built ??= moviesService(client, table);
    return built;
  };
  return new Proxy({} as MoviesService, {
    get: (_target, key) => {
      const real = service();
      const value: unknown = Reflect.get(real, key, real);
      return typeof value === "function" ? value.bind(real) : value;
    },
    has: (_target, key) => Reflect.has(service(), key),
  });
}
