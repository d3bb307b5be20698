/*
 * Concurrency: many PATCHes on one movie at once, and PATCHes racing an ingest of the same movie,
 * through the deployed handlers on DynamoDB Local. Whatever the interleaving, every PATCH is
 * answered, the movie ends in one of the states that were written (never a mix of two requests,
 * never a lost rating), and ingestion never touches a rating while PATCH never touches the info.
 */
import { PutObjectCommand } from "@aws-sdk/client-s3";
import { lambdaContext } from "@movies/local-aws";
import { freshBucket } from "@movies/local-aws/test-kit";
import type { APIGatewayProxyResult } from "aws-lambda";
import { describe, expect, test } from "vitest";
import { freshTable } from "../../test-kit/fresh-table.ts";
import { handlerEnv } from "../../test-kit/handler-env.ts";
import { movieRouteEvent } from "../../test-kit/movie-route-event.ts";
import { reportFigures } from "../../test-kit/report-figures.ts";
import { s3CreatedEvent } from "../../test-kit/s3-created-event.ts";
import { coldStart, ingestColdStart, movieStore } from "../clients.ts";
import { makeGetMovieHandler } from "./get-movie.ts";
import { makeIngestMovieInfosHandler } from "./ingest-movie-infos.ts";
import { makeUpdateMovieRatingHandler } from "./update-movie-rating.ts";

const { client, tableName } = await freshTable();
const { client: s3, bucket } = await freshBucket();
const env = handlerEnv({ tableName, bucket });
const updateMovieRating = makeUpdateMovieRatingHandler(coldStart(env));
const getMovie = makeGetMovieHandler(coldStart(env));
const ingest = makeIngestMovieInfosHandler(ingestColdStart(env));
const store = movieStore(client, tableName);

interface MovieBody {
  movie_id: string;
  name: string;
  rotten_tomatoes_rating: number | null;
  imdb_rating: number | null;
}

function patch(movieId: string, body: object): Promise<APIGatewayProxyResult> {
  return updateMovieRating(
    movieRouteEvent("PATCH", movieId, {
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify(body),
    }),
    lambdaContext("update-movie-rating", 10_000),
  );
}

async function get(movieId: string): Promise<{ status: number; movie: MovieBody }> {
  const response = await getMovie(
    movieRouteEvent("GET", movieId),
    lambdaContext("get-movie", 10_000),
  );
  return { status: response.statusCode, movie: JSON.parse(response.body) as MovieBody };
}

const info = (movie_id: string, name: string) => ({
  movie_id,
  name,
  country_of_origin: "Peru",
  release_date: "2001-01-01",
});

let clock = Date.parse("2026-01-01T00:00:00.000Z");
async function ingestCsv(key: string, csv: string): Promise<void> {
  const put = await s3.send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: csv }));
  clock += 1000;
  const event = s3CreatedEvent(bucket, key, {
    eTag: put.ETag,
    eventTime: new Date(clock).toISOString(),
  });
  await ingest(event, lambdaContext("ingest-movie-infos", 60_000));
}

describe("concurrent PATCHes on one movie", () => {
  test("50 at once: each answered 200, the movie ends in exactly one of the written states", async () => {
    await store.movieInfos.putBatch([info("busy", "Busy")]);
    const written = Array.from({ length: 50 }, (_, i) => ({
      rotten_tomatoes_rating: i,
      imdb_rating: 100 - i,
    }));
    const responses = await Promise.all(written.map((body) => patch("busy", body)));
    const pair = (m: { rotten_tomatoes_rating: unknown; imdb_rating: unknown }) =>
      `${m.rotten_tomatoes_rating}/${m.imdb_rating}`;
    const writtenPairs = new Set(written.map(pair));
    expect(responses.map((r) => r.statusCode)).toEqual(written.map(() => 200));
    // Each answer shows a state some request wrote, never half of one and half of another.
    for (const response of responses) {
      expect(writtenPairs).toContain(pair(JSON.parse(response.body) as MovieBody));
    }
    const { movie } = await get("busy");
    expect(writtenPairs).toContain(pair(movie));
    expect(movie.name).toBe("Busy");
    reportFigures("concurrent PATCHes", { requests: 50, answered200: 50, finalState: pair(movie) });
  });

  test("50 partial updates at once: neither rating is lost, each ends at a value written to it", async () => {
    await store.movieInfos.putBatch([info("halves", "Halves")]);
    const rotten = Array.from({ length: 25 }, (_, i) => i);
    const imdb = Array.from({ length: 25 }, (_, i) => 50 + i);
    const responses = await Promise.all([
      ...rotten.map((value) => patch("halves", { rotten_tomatoes_rating: value })),
      ...imdb.map((value) => patch("halves", { movie_id: "halves", imdb_rating: value })),
    ]);
    expect(new Set(responses.map((r) => r.statusCode))).toEqual(new Set([200]));
    const { movie } = await get("halves");
    expect(rotten).toContain(movie.rotten_tomatoes_rating);
    expect(imdb).toContain(movie.imdb_rating);
  });
});

/** PATCHes spread over the time an ingest runs: at once, then after growing pauses. */
function staggeredPatches(movieId: string, bodies: readonly object[]) {
  return Promise.all(
    bodies.map(async (body, k) => {
      if (k > 0) await new Promise((resolve) => setTimeout(resolve, 10 * 2 ** k));
      return patch(movieId, body);
    }),
  );
}

describe("a PATCH racing an ingest of the same movie", () => {
  test("both the new info and the new rating survive, round after round", async () => {
    await store.movieInfos.putBatch([info("race-1", "Round 0")]);
    const others = Array.from(
      { length: 300 },
      (_, i) => `race-other-${i},Other ${i},Peru,2001-01-01`,
    );
    const rounds = 5;
    let patches = 0;
    for (let round = 1; round <= rounds; round++) {
      // The raced movie sits in the middle of the file, so its write lands while PATCHes run.
      const lines = [...others];
      lines.splice(150, 0, `race-1,Round ${round},Peru,2001-01-0${round}`);
      const bodies = Array.from({ length: 6 }, (_, k) =>
        k % 2 === 0 ? { rotten_tomatoes_rating: round * 10 + k } : { imdb_rating: round * 10 + k },
      );
      const [, responses] = await Promise.all([
        ingestCsv(`race-${round}.csv`, `${lines.join("\n")}\n`),
        staggeredPatches("race-1", bodies),
      ]);
      patches += responses.length;
      expect(responses.map((r) => r.statusCode)).toEqual(bodies.map(() => 200));
      const { movie } = await get("race-1");
      expect(movie).toMatchObject({
        movie_id: "race-1",
        name: `Round ${round}`,
        country_of_origin: "Peru",
        release_date: `2001-01-0${round}`,
      });
      expect([round * 10, round * 10 + 2, round * 10 + 4]).toContain(movie.rotten_tomatoes_rating);
      expect([round * 10 + 1, round * 10 + 3, round * 10 + 5]).toContain(movie.imdb_rating);
    }
    reportFigures("PATCH racing ingest", { rounds, patches, rowsPerIngest: 301 });
  });

  test("PATCHes racing the ingest that creates the movie: a 404 leaves no rating, a 200 keeps it", async () => {
    const statuses: Record<number, number> = {};
    const rounds = 4;
    for (let round = 1; round <= rounds; round++) {
      const id = `newborn-${round}`;
      const lines = Array.from(
        { length: 300 },
        (_, i) => `newborn-other-${round}-${i},X,Peru,2001-01-01`,
      );
      lines.splice(50 * round, 0, `${id},Newborn,Peru,2001-01-01`);
      const values = Array.from({ length: 6 }, (_, k) => round * 10 + k);
      const [, responses] = await Promise.all([
        ingestCsv(`newborn-${round}.csv`, `${lines.join("\n")}\n`),
        staggeredPatches(
          id,
          values.map((value) => ({ imdb_rating: value })),
        ),
      ]);
      const accepted = values.filter((_, k) => responses[k]?.statusCode === 200);
      for (const response of responses) {
        expect([200, 404]).toContain(response.statusCode);
        statuses[response.statusCode] = (statuses[response.statusCode] ?? 0) + 1;
      }
      const { movie } = await get(id);
      expect(movie.name).toBe("Newborn");
      // A rating exists only if some PATCH was accepted, and it is one an accepted PATCH wrote.
      if (accepted.length === 0) expect(movie.imdb_rating).toBeNull();
      else expect(accepted).toContain(movie.imdb_rating);
    }
    reportFigures("PATCH racing the creating ingest", { rounds, patches: rounds * 6, statuses });
  });
});
