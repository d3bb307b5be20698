/*
 * The HTTP edge on the domain's in-memory ports: real middy handlers built from their factories,
 * no DynamoDB, no environment. Each test asserts the whole response a client receives.
 */
import { InMemoryMovieStore } from "@movies/domain/testing";
import { lambdaContext } from "@movies/local-aws";
import { describe, expect, test } from "vitest";
import { movieRouteEvent } from "../../test-kit/movie-route-event.ts";
import { createLogger } from "../observability/logger.ts";
import { makeGetMovieHandler } from "./get-movie.ts";
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
  return { get: makeGetMovieHandler(deps), patch: makeUpdateMovieRatingHandler(deps) };
}

const PROBLEM = { "Content-Type": "application/problem+json" };

describe("GET /movies/{movie_id} on the in-memory ports", () => {
  test("a stored movie: 200 with its info and no ratings yet", async () => {
    const response = await handlers().get(
      movieRouteEvent("GET", "mv1"),
      lambdaContext("get-movie", 10_000),
    );
    expect(response).toEqual({
      statusCode: 200,
      headers: { "Content-Type": "application/json" },
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
      headers: json,
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
        detail: "The request body must be JSON, sent with Content-Type: application/json.",
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
