import type { AttributeValue } from "@aws-sdk/client-dynamodb";
import type { MovieInfo, RatingChanges, StoredMovie } from "@movies/domain";
import fc from "fast-check";
import { describe, expect, test } from "vitest";
import { freshTable } from "../../test-kit/fresh-table.ts";
import { DynamoMovieInfoRepo } from "./movie-info-repo.ts";
import { movieQuery } from "./movie-query.ts";
import { moviesService } from "./movies-service.ts";
import { DynamoRatingRepo } from "./rating-repo.ts";

/*
 * The movie read bypasses ElectroDB's per-request work, so it must send ElectroDB's own Query
 * and read back exactly what ElectroDB's `go()` would: both are proven here, the first for
 * generated ids, the second against DynamoDB Local for generated movies and ratings.
 */

const { client, tableName } = await freshTable();
const service = moviesService(client, tableName);
const query = movieQuery(service);
const infos = new DynamoMovieInfoRepo(client, service);
const ratings = new DynamoRatingRepo(service, infos);

const ID_CHARS = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_.".split("");
const movieId = fc
  .array(fc.constantFrom(...ID_CHARS), { minLength: 1, maxLength: 64 })
  .map((chars) => chars.join(""));
const text = fc
  .string({ unit: "grapheme", minLength: 1, maxLength: 40 })
  .map((s) => s.trim() || "x");

/** ElectroDB's request in DynamoDB's attribute values (every value there is a string). */
function electroQuery(id: string) {
  const params = service.collections.movie({ movie_id: id }).params({ consistent: true }) as {
    ExpressionAttributeValues: Record<string, string>;
  };
  return {
    ...params,
    ExpressionAttributeValues: Object.fromEntries(
      Object.entries(params.ExpressionAttributeValues).map(([k, v]) => [k, { S: v }]),
    ),
  };
}

/** The movie as the repository read it through ElectroDB before the fast path. */
async function electroMovie(id: string): Promise<StoredMovie | undefined> {
  const { data } = await service.collections.movie({ movie_id: id }).go({ consistent: true });
  const info = data.movieInfo[0];
  if (!info) return undefined;
  const rating = data.movieRating[0];
  return {
    info: {
      movie_id: info.movie_id,
      name: info.name,
      country_of_origin: info.country_of_origin,
      release_date: info.release_date,
    },
    rating: rating && {
      ...(rating.rotten_tomatoes_rating !== undefined && {
        rotten_tomatoes_rating: rating.rotten_tomatoes_rating,
      }),
      ...(rating.imdb_rating !== undefined && { imdb_rating: rating.imdb_rating }),
    },
  };
}

describe("the fast movie query", () => {
  test("is ElectroDB's own Query for any movie id", () => {
    fc.assert(
      fc.property(movieId, (id) => {
        expect(query.input(id)).toStrictEqual(electroQuery(id));
      }),
      { numRuns: 2000 },
    );
  });

  test("reads every movie as ElectroDB does: info alone, with one or both ratings, or none", async () => {
    const rating = fc.oneof(
      fc.integer({ min: 0, max: 100 }),
      fc.double({ min: 0.001, max: 100, noNaN: true }),
    );
    const movie = fc.record({
      info: fc.record({
        movie_id: movieId,
        name: text,
        country_of_origin: text,
        release_date: fc.constantFrom("2014-10-26", "1850-01-01", "2200-12-31"),
      }),
      changes: fc.option(
        fc.oneof(
          fc.record({ rotten_tomatoes_rating: rating }),
          fc.record({ imdb_rating: rating }),
          fc.record({ rotten_tomatoes_rating: rating, imdb_rating: rating }),
        ),
        { nil: undefined },
      ),
      stored: fc.boolean(),
    });
    await fc.assert(
      fc.asyncProperty(movie, async ({ info, changes, stored }) => {
        const id = `${info.movie_id}-${Math.random().toString(36).slice(2, 8)}`.slice(-64);
        const withId: MovieInfo = { ...info, movie_id: id };
        if (stored) {
          await infos.putBatch([withId]);
          if (changes) await ratings.update(id, changes as RatingChanges);
        }
        const expected = await electroMovie(id);
        expect(await infos.findMovie(id)).toStrictEqual(expected);
        expect(expected === undefined).toBe(!stored);
      }),
      { numRuns: 150 },
    );
  });

  test("ignores items of the partition that belong to no entity of the collection", () => {
    const strange: Record<string, AttributeValue>[] = [
      {
        pk: { S: "x" },
        sk: { S: "$movie#other_1" },
        __edb_e__: { S: "other" },
        __edb_v__: { S: "1" },
      },
    ];
    expect(query.movieOf(strange)).toBeUndefined();
  });
});
