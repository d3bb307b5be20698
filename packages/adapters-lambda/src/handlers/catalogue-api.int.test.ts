/*
 * Listing, removal, conditional requests and exact PATCH answers through the real handlers on
 * DynamoDB Local. Every response is also held to openapi.json.
 */
import { lambdaContext } from "@movies/local-aws";
import type { APIGatewayProxyResult } from "aws-lambda";
import { beforeAll, describe, expect, test } from "vitest";
import { freshTable } from "../../test-kit/fresh-table.ts";
import { handlerEnv } from "../../test-kit/handler-env.ts";
import { listEvent, movieRouteEvent } from "../../test-kit/movie-route-event.ts";
import { openApiViolations } from "../../test-kit/openapi-contract.ts";
import { reportFigures } from "../../test-kit/report-figures.ts";
import { coldStart, movieStore } from "../clients.ts";
import { makeDeleteMovieHandler } from "./delete-movie.ts";
import { makeGetMovieHandler } from "./get-movie.ts";
import { makeListMoviesHandler } from "./list-movies.ts";
import { makeUpdateMovieRatingHandler } from "./update-movie-rating.ts";

const { client, tableName } = await freshTable();
const deps = coldStart(handlerEnv({ tableName }));
const store = movieStore(client, tableName);
const handlers = {
  get: makeGetMovieHandler(deps),
  patch: makeUpdateMovieRatingHandler(deps),
  list: makeListMoviesHandler(deps),
  remove: makeDeleteMovieHandler(deps),
};

const COUNT = 47;
const info = (i: number) => ({
  movie_id: `m-${String(i).padStart(3, "0")}`,
  name: `Movie ${i}`,
  country_of_origin: "France",
  release_date: "1999-12-31",
});

beforeAll(async () => {
  const infos = Array.from({ length: COUNT }, (_, i) => info(i));
  for (let i = 0; i < infos.length; i += 25)
    await store.movieInfos.putBatch(infos.slice(i, i + 25));
  // Every third movie rated, so pages hold partitions of one item and of two.
  for (let i = 0; i < COUNT; i += 3)
    await store.ratings.update(info(i).movie_id, { imdb_rating: i });
});

const context = () => lambdaContext("movies", 10_000);
const jsonHeaders = { "Content-Type": "application/json" };

async function get(
  id: string,
  headers: Record<string, string> = {},
  method: "GET" | "HEAD" = "GET",
) {
  const response = await handlers.get(movieRouteEvent(method, id, { headers }), context());
  expect(
    openApiViolations(method === "GET" ? "get" : "head", "/movies/{movie_id}", response),
  ).toEqual([]);
  return response;
}

async function patch(id: string, body: string, headers: Record<string, string> = {}) {
  const response = await handlers.patch(
    movieRouteEvent("PATCH", id, { headers: { ...jsonHeaders, ...headers }, body }),
    context(),
  );
  expect(openApiViolations("patch", "/movies/{movie_id}", response)).toEqual([]);
  return response;
}

async function remove(id: string, headers: Record<string, string> = {}) {
  const response = await handlers.remove(movieRouteEvent("DELETE", id, { headers }), context());
  expect(openApiViolations("delete", "/movies/{movie_id}", response)).toEqual([]);
  return response;
}

async function list(query: Record<string, string>) {
  const response = await handlers.list(listEvent(query), context());
  expect(openApiViolations("get", "/movies", response)).toEqual([]);
  return response;
}

const etagOf = (response: APIGatewayProxyResult) => String(response.headers?.["ETag"]);

interface PageBody {
  movies: { movie_id: string; imdb_rating: number | null; etag: string }[];
  next: string | null;
}

describe("GET /movies", () => {
  test("walking every page of 3 returns each movie once, whole, with the ETag GET gives", async () => {
    const seen: PageBody["movies"] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const response = await list({ limit: "3", ...(cursor !== null && { cursor }) });
      expect(response.statusCode).toBe(200);
      const page = JSON.parse(response.body) as PageBody;
      expect(page.movies.length).toBeLessThanOrEqual(3);
      seen.push(...page.movies);
      cursor = page.next;
      pages++;
    } while (cursor !== null);
    expect(seen.map((m) => m.movie_id).sort()).toEqual(
      Array.from({ length: COUNT }, (_, i) => info(i).movie_id),
    );
    for (const movie of seen.filter((_, i) => i % 7 === 0)) {
      expect(movie.etag).toBe(etagOf(await get(movie.movie_id)));
    }
    const rated = seen.find((m) => m.movie_id === info(3).movie_id);
    expect(rated?.imdb_rating).toBe(3);
    reportFigures("list walk", { movies: COUNT, limit: 3, pages });
  });

  test("the same walk twice gives the same order", async () => {
    const walk = async () => {
      const ids: string[] = [];
      let cursor: string | null = null;
      do {
        const page = JSON.parse(
          (await list({ limit: "10", ...(cursor !== null && { cursor }) })).body,
        ) as PageBody;
        ids.push(...page.movies.map((m) => m.movie_id));
        cursor = page.next;
      } while (cursor !== null);
      return ids;
    };
    expect(await walk()).toEqual(await walk());
  });

  test("a forged, cut or foreign cursor and a bad limit are 400 problems naming the parameter", async () => {
    const first = JSON.parse((await list({ limit: "2" })).body) as PageBody;
    const cursor = String(first.next);
    const [payload] = cursor.split(".");
    const forged = `${Buffer.from('["$movies#movie_id_x","y"]').toString("base64url")}.${cursor.split(".")[1]}`;
    for (const [query, field] of [
      [{ cursor: cursor.slice(0, -1) }, "cursor"],
      [{ cursor: `${payload}` }, "cursor"],
      [{ cursor: forged }, "cursor"],
      [{ cursor: "eyJMYXN0RXZhbHVhdGVkS2V5Ijp7fX0" }, "cursor"],
      [{ limit: "501" }, "limit"],
      [{ limit: "-1" }, "limit"],
    ] as const) {
      const response = await list(query);
      expect(response.statusCode).toBe(400);
      expect(JSON.parse(response.body).errors).toEqual([expect.objectContaining({ field })]);
    }
  });
});

describe("conditional requests", () => {
  test("304 for the current ETag; HEAD answers as GET without a body", async () => {
    const full = await get("m-001");
    expect(await get("m-001", { "If-None-Match": etagOf(full) })).toEqual({
      statusCode: 304,
      headers: { ETag: etagOf(full) },
      body: "",
    });
    expect(await get("m-001", {}, "HEAD")).toEqual({ ...full, body: "" });
  });

  test("an ingest that changes the info changes the ETag, and a PATCH with the old one is 412", async () => {
    const before = etagOf(await get("m-002"));
    await store.movieInfos.putBatch([{ ...info(2), name: "Movie 2 (restored)" }]);
    const after = await get("m-002");
    expect(etagOf(after)).not.toBe(before);
    const stale = await patch("m-002", '{"imdb_rating": 9}', { "If-Match": before });
    expect(stale.statusCode).toBe(412);
    expect(JSON.parse((await get("m-002")).body)).toMatchObject({ imdb_rating: null });
    expect(
      (await patch("m-002", '{"imdb_rating": 9}', { "If-Match": etagOf(after) })).statusCode,
    ).toBe(200);
  });

  test("N editors with the same If-Match: exactly one wins per version, no update lost", async () => {
    const EDITORS = 12;
    const ROUNDS = 5;
    const results = { rounds: ROUNDS, editors: EDITORS, winners: 0, refused: 0 };
    for (let round = 0; round < ROUNDS; round++) {
      const current = await get("m-004");
      const responses = await Promise.all(
        Array.from({ length: EDITORS }, (_, editor) =>
          patch("m-004", JSON.stringify({ rotten_tomatoes_rating: round * EDITORS + editor }), {
            "If-Match": etagOf(current),
          }),
        ),
      );
      const won = responses.filter((r) => r.statusCode === 200);
      expect(won).toHaveLength(1);
      expect(responses.filter((r) => r.statusCode === 412)).toHaveLength(EDITORS - 1);
      const stored = await get("m-004");
      expect(stored.body).toBe(won[0]?.body);
      expect(etagOf(stored)).toBe(etagOf(won[0] as APIGatewayProxyResult));
      results.winners += won.length;
      results.refused += EDITORS - won.length;
    }
    reportFigures("if-match editors", results);
  });

  test("many parallel PATCHes: each answers the movie as its own write left it", async () => {
    const WRITERS = 100;
    const responses = await Promise.all(
      Array.from({ length: WRITERS }, (_, i) =>
        patch("m-005", JSON.stringify({ rotten_tomatoes_rating: i, imdb_rating: 100 - i })),
      ),
    );
    for (const [i, response] of responses.entries()) {
      expect(response.statusCode).toBe(200);
      expect(JSON.parse(response.body)).toMatchObject({
        rotten_tomatoes_rating: i,
        imdb_rating: 100 - i,
      });
    }
    const final = await get("m-005");
    expect(responses.map(etagOf)).toContain(etagOf(final));
  });

  test("parallel partial PATCHes of different ratings: none lost, each answer consistent", async () => {
    const responses = await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        patch("m-007", JSON.stringify(i % 2 ? { imdb_rating: i } : { rotten_tomatoes_rating: i })),
      ),
    );
    expect(responses.every((r) => r.statusCode === 200)).toBe(true);
    const final = JSON.parse((await get("m-007")).body);
    // The last writer of each rating is in the answers, with the value it set.
    expect(responses.some((r) => JSON.parse(r.body).imdb_rating === final.imdb_rating)).toBe(true);
    expect(
      responses.some(
        (r) => JSON.parse(r.body).rotten_tomatoes_rating === final.rotten_tomatoes_rating,
      ),
    ).toBe(true);
  });

  test("merge patch clears a rating in DynamoDB", async () => {
    await patch("m-008", '{"rotten_tomatoes_rating": 50, "imdb_rating": 5}');
    const cleared = await patch("m-008", '{"imdb_rating": null}', {
      "Content-Type": "application/merge-patch+json",
    });
    expect(JSON.parse(cleared.body)).toMatchObject({
      rotten_tomatoes_rating: 50,
      imdb_rating: null,
    });
    expect(JSON.parse((await get("m-008")).body)).toMatchObject({ imdb_rating: null });
    expect(etagOf(await get("m-008"))).toBe(etagOf(cleared));
  });
});

describe("DELETE /movies/{movie_id}", () => {
  test("a stale If-Match is 412 and removes nothing; then 204, 404, and a new snapshot restores the info", async () => {
    await patch("m-010", '{"imdb_rating": 10}');
    const stale = await remove("m-010", { "If-Match": '"not-the-etag"' });
    expect(stale.statusCode).toBe(412);
    const current = await get("m-010");
    expect(current.statusCode).toBe(200);
    expect(await remove("m-010", { "If-Match": etagOf(current) })).toEqual({
      statusCode: 204,
      headers: {},
      body: "",
    });
    expect((await get("m-010")).statusCode).toBe(404);
    expect((await remove("m-010")).statusCode).toBe(404);
    await store.movieInfos.putBatch([info(10)]);
    expect(JSON.parse((await get("m-010")).body)).toMatchObject({ imdb_rating: null });
  });
});
