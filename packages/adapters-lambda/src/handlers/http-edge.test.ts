/*
 * The HTTP edge on the domain's in-memory ports: real middy handlers built from their factories,
 * no DynamoDB, no environment. Each test asserts the whole response a client receives.
 */
import { InMemoryMovieStore } from "@movies/domain/testing";
import { lambdaContext } from "@movies/local-aws";
import { describe, expect, test } from "vitest";
import { listEvent, movieRouteEvent } from "../../test-kit/movie-route-event.ts";
import { createLogger } from "../observability/logger.ts";
import { makeDeleteMovieHandler } from "./delete-movie.ts";
import { makeGetMovieHandler } from "./get-movie.ts";
import { makeListMoviesHandler } from "./list-movies.ts";
import { makeUpdateMovieRatingHandler } from "./update-movie-rating.ts";

const INTERSTELLAR = {
  movie_id: "mv1",
  name: "Interstellar",
  country_of_origin: "United States",
  release_date: "2014-10-26",
};

function handlers(options: ConstructorParameters<typeof InMemoryMovieStore>[0] = {}) {
  const memory = new InMemoryMovieStore(options);
  memory.seed(INTERSTELLAR);
  const deps = { logger: createLogger(), store: { movieInfos: memory, ratings: memory } };
  return {
    memory,
    get: makeGetMovieHandler(deps),
    patch: makeUpdateMovieRatingHandler(deps),
    list: makeListMoviesHandler(deps),
    remove: makeDeleteMovieHandler(deps),
  };
}

const PROBLEM = { "Content-Type": "application/problem+json" };
const ETAG = expect.stringMatching(/^"[A-Za-z0-9_-]{27}"$/);

describe("GET /movies/{movie_id} on the in-memory ports", () => {
  test("a stored movie: 200 with its info and no ratings yet", async () => {
    const response = await handlers().get(
      movieRouteEvent("GET", "mv1"),
      lambdaContext("get-movie", 10_000),
    );
    expect(response).toEqual({
      statusCode: 200,
      headers: { "Content-Type": "application/json", ETag: ETAG },
      body: JSON.stringify({ ...INTERSTELLAR, rotten_tomatoes_rating: null, imdb_rating: null }),
    });
  });

  test("an unknown movie: 404 problem", async () => {
    const response = await handlers().get(
      movieRouteEvent("GET", "mv9"),
      lambdaContext("get-movie", 10_000),
    );
    expect({ ...response, body: JSON.parse(response.body) }).toEqual({
      statusCode: 404,
      headers: PROBLEM,
      body: {
        type: "urn:movies:problem:movie-not-found",
        title: "Movie not found",
        status: 404,
        detail: "There is no movie with id mv9.",
      },
    });
  });

  test("a store failure: 500 naming the request id only, never the cause", async () => {
    const { get } = handlers({
      before: () => {
        throw new Error("secret cause arn:aws:dynamodb:eu-west-1:000000000000:table/movies");
      },
    });
    const context = lambdaContext("get-movie", 10_000);
    const response = await get(movieRouteEvent("GET", "mv1"), context);
    expect({ ...response, body: JSON.parse(response.body) }).toEqual({
      statusCode: 500,
      headers: PROBLEM,
      body: {
        type: "urn:movies:problem:internal-error",
        title: "Internal error",
        status: 500,
        detail: `The request could not be completed. Quote request id ${context.awsRequestId} when reporting it.`,
        request_id: context.awsRequestId,
      },
    });
  });
});

describe("PATCH /movies/{movie_id} on the in-memory ports", () => {
  const json = { "Content-Type": "application/json" };

  test("sets both ratings and answers the merged movie", async () => {
    const response = await handlers().patch(
      movieRouteEvent("PATCH", "mv1", {
        headers: json,
        body: '{"rotten_tomatoes_rating": 98, "imdb_rating": 43}',
      }),
      lambdaContext("update-movie-rating", 10_000),
    );
    expect(response).toEqual({
      statusCode: 200,
      headers: { ...json, ETag: ETAG },
      body: JSON.stringify({ ...INTERSTELLAR, rotten_tomatoes_rating: 98, imdb_rating: 43 }),
    });
  });

  test("an invalid rating: 400 naming the field", async () => {
    const response = await handlers().patch(
      movieRouteEvent("PATCH", "mv1", { headers: json, body: '{"imdb_rating": 101}' }),
      lambdaContext("update-movie-rating", 10_000),
    );
    const body = JSON.parse(response.body) as { errors: { field: string }[] };
    expect(response.statusCode).toBe(400);
    expect(response.headers).toEqual(PROBLEM);
    expect(body).toMatchObject({
      type: "urn:movies:problem:invalid-input",
      title: "Invalid input",
      status: 400,
      detail: "1 field is invalid.",
    });
    expect(body.errors.map((e) => e.field)).toEqual(["imdb_rating"]);
  });

  test("malformed JSON: 400 malformed-json", async () => {
    const response = await handlers().patch(
      movieRouteEvent("PATCH", "mv1", { headers: json, body: '{"imdb_rating": ' }),
      lambdaContext("update-movie-rating", 10_000),
    );
    expect({ ...response, body: JSON.parse(response.body) }).toEqual({
      statusCode: 400,
      headers: PROBLEM,
      body: {
        type: "urn:movies:problem:malformed-json",
        title: "Malformed JSON",
        status: 400,
        detail: "The request body is not a valid JSON document.",
      },
    });
  });

  test("not JSON: 415 unsupported-media-type", async () => {
    const response = await handlers().patch(
      movieRouteEvent("PATCH", "mv1", {
        headers: { "Content-Type": "text/plain" },
        body: "imdb_rating=5",
      }),
      lambdaContext("update-movie-rating", 10_000),
    );
    expect({ ...response, body: JSON.parse(response.body) }).toEqual({
      statusCode: 415,
      headers: PROBLEM,
      body: {
        type: "urn:movies:problem:unsupported-media-type",
        title: "Unsupported media type",
        status: 415,
        detail:
          "The request body must be JSON in UTF-8, sent with Content-Type: application/json or application/merge-patch+json.",
      },
    });
  });

  test("a body over 16 KiB: 413 before any parsing", async () => {
    const response = await handlers().patch(
      movieRouteEvent("PATCH", "mv1", { headers: json, body: `"${"x".repeat(16 * 1024)}"` }),
      lambdaContext("update-movie-rating", 10_000),
    );
    expect({ ...response, body: JSON.parse(response.body) }).toEqual({
      statusCode: 413,
      headers: PROBLEM,
      body: {
        type: "urn:movies:problem:body-too-large",
        title: "Request body too large",
        status: 413,
        detail: "The request body must be at most 16384 bytes.",
      },
    });
  });
});

describe("conditional requests on the in-memory ports", () => {
  const context = () => lambdaContext("movies", 10_000);
  const json = { "Content-Type": "application/json" };

  test("GET with the movie's ETag in If-None-Match: 304 with the ETag and no body", async () => {
    const { get } = handlers();
    const first = await get(movieRouteEvent("GET", "mv1"), context());
    const etag = String(first.headers?.["ETag"]);
    const again = await get(
      movieRouteEvent("GET", "mv1", { headers: { "If-None-Match": `"other", W/${etag}` } }),
      context(),
    );
    expect(again).toEqual({ statusCode: 304, headers: { ETag: etag }, body: "" });
  });

  test("the ETag changes with any stored value, and a stale If-None-Match gets the movie", async () => {
    const { get, memory } = handlers();
    const before = await get(movieRouteEvent("GET", "mv1"), context());
    memory.seed({ ...INTERSTELLAR, name: "Interstellar (2014)" });
    const after = await get(
      movieRouteEvent("GET", "mv1", {
        headers: { "if-none-match": String(before.headers?.["ETag"]) },
      }),
      context(),
    );
    expect(after.statusCode).toBe(200);
    expect(after.headers?.["ETag"]).not.toBe(before.headers?.["ETag"]);
  });

  test("PATCH with a stale If-Match: 412 and nothing written; with the current one: 200", async () => {
    const { get, patch, memory } = handlers();
    const etag = String((await get(movieRouteEvent("GET", "mv1"), context())).headers?.["ETag"]);
    const stale = await patch(
      movieRouteEvent("PATCH", "mv1", {
        headers: { ...json, "If-Match": '"stale"' },
        body: '{"imdb_rating": 1}',
      }),
      context(),
    );
    expect(stale.statusCode).toBe(412);
    expect(JSON.parse(stale.body)).toMatchObject({
      type: "urn:movies:problem:precondition-failed",
    });
    expect(memory.ratings.get("mv1")).toBeUndefined();
    const fresh = await patch(
      movieRouteEvent("PATCH", "mv1", {
        headers: { ...json, "If-Match": etag },
        body: '{"imdb_rating": 1}',
      }),
      context(),
    );
    expect(fresh.statusCode).toBe(200);
    expect(fresh.headers?.["ETag"]).not.toBe(etag);
    const read = await get(movieRouteEvent("GET", "mv1"), context());
    expect(read.headers?.["ETag"]).toBe(fresh.headers?.["ETag"]);
  });

  test("DELETE: 204, then 404; a stale If-Match is 412 and keeps the movie", async () => {
    const { remove, memory } = handlers();
    const stale = await remove(
      movieRouteEvent("DELETE", "mv1", { headers: { "If-Match": '"stale"' } }),
      context(),
    );
    expect(stale.statusCode).toBe(412);
    expect(memory.infos.has("mv1")).toBe(true);
    expect(await remove(movieRouteEvent("DELETE", "mv1"), context())).toEqual({
      statusCode: 204,
      headers: {},
      body: "",
    });
    expect((await remove(movieRouteEvent("DELETE", "mv1"), context())).statusCode).toBe(404);
  });

  test("HEAD answers as GET without a body, refusals included", async () => {
    const { get } = handlers();
    const head = await get(movieRouteEvent("HEAD", "mv1"), context());
    const full = await get(movieRouteEvent("GET", "mv1"), context());
    expect(head).toEqual({ ...full, body: "" });
    const missing = await get(movieRouteEvent("HEAD", "mv9"), context());
    expect(missing).toMatchObject({ statusCode: 404, headers: PROBLEM, body: "" });
  });
});

describe("PATCH bodies on the in-memory ports", () => {
  const context = () => lambdaContext("update-movie-rating", 10_000);
  const send = (headers: Record<string, string>, body: string) =>
    handlers().patch(movieRouteEvent("PATCH", "mv1", { headers, body }), context());

  test("a merge patch clears a rating with null; plain JSON refuses null", async () => {
    const { patch, memory } = handlers();
    memory.ratings.set("mv1", { rotten_tomatoes_rating: 98, imdb_rating: 43 });
    const merged = await patch(
      movieRouteEvent("PATCH", "mv1", {
        headers: { "Content-Type": "application/merge-patch+json" },
        body: '{"imdb_rating": null}',
      }),
      context(),
    );
    expect(JSON.parse(merged.body)).toMatchObject({
      rotten_tomatoes_rating: 98,
      imdb_rating: null,
    });
    const plain = await send({ "Content-Type": "application/json" }, '{"imdb_rating": null}');
    expect(plain.statusCode).toBe(400);
  });

  test("a key twice in one object is malformed JSON, whatever its escaping", async () => {
    for (const body of [
      '{"imdb_rating": 5, "imdb_rating": 6}',
      '{"imdb_rating": 5, "imdb\\u005frating": 6}',
    ]) {
      const response = await send({ "Content-Type": "application/json" }, body);
      expect(response.statusCode).toBe(400);
      expect(JSON.parse(response.body)).toMatchObject({
        type: "urn:movies:problem:malformed-json",
        detail: 'The request body names the key "imdb_rating" twice in one object.',
      });
    }
  });

  test("a charset other than UTF-8 is 415", async () => {
    for (const type of [
      "application/json; charset=iso-8859-1",
      'application/json;charset="utf-16"',
    ]) {
      expect((await send({ "Content-Type": type }, '{"imdb_rating": 5}')).statusCode).toBe(415);
    }
    expect(
      (await send({ "content-type": "application/json; Charset=UTF-8" }, '{"imdb_rating": 5}'))
        .statusCode,
    ).toBe(200);
  });

  test("a __proto__ key is an unknown field, not malformed JSON", async () => {
    const response = await send(
      { "Content-Type": "application/json" },
      '{"__proto__": {"imdb_rating": 5}, "imdb_rating": 5}',
    );
    expect(response.statusCode).toBe(400);
    expect(JSON.parse(response.body)).toMatchObject({
      type: "urn:movies:problem:invalid-input",
      errors: [{ field: "__proto__", message: "is not a known field" }],
    });
  });
});

describe("GET /movies on the in-memory ports", () => {
  const context = () => lambdaContext("list-movies", 10_000);

  test("a page of movies, each with its ETag, and the cursor of the next", async () => {
    const { list, get, memory } = handlers();
    memory.seed({ ...INTERSTELLAR, movie_id: "mv2" });
    const first = await list(listEvent({ limit: "1" }), context());
    const page = JSON.parse(first.body) as { movies: { etag: string }[]; next: string };
    expect(page.movies).toHaveLength(1);
    const single = await get(movieRouteEvent("GET", "mv1"), context());
    expect(page.movies[0]?.etag).toBe(single.headers?.["ETag"]);
    const second = JSON.parse(
      (await list(listEvent({ limit: "1", cursor: page.next }), context())).body,
    );
    expect(second).toMatchObject({ movies: [{ movie_id: "mv2" }], next: null });
  });

  test("a bad limit or cursor: 400 naming it", async () => {
    const { list } = handlers();
    for (const [query, field] of [
      [{ limit: "0" }, "limit"],
      [{ limit: "abc" }, "limit"],
      [{ cursor: "forged" }, "cursor"],
    ] as const) {
      const response = await list(listEvent(query), context());
      expect(response.statusCode).toBe(400);
      expect(JSON.parse(response.body).errors).toEqual([expect.objectContaining({ field })]);
    }
  });
});
