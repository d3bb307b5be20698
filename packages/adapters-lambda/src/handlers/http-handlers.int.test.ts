import { lambdaContext } from "@movies/local-aws";
import { SEED_MV1_RATED, SEED_PATCH_BODY } from "@movies/local-aws/test-kit";
import type { APIGatewayProxyResult } from "aws-lambda";
import { beforeAll, describe, expect, test } from "vitest";
import { freshTable } from "../../test-kit/fresh-table.ts";
import { handlerEnv } from "../../test-kit/handler-env.ts";
import { movieRouteEvent } from "../../test-kit/movie-route-event.ts";
import { openApiViolations } from "../../test-kit/openapi-contract.ts";
import { coldStart, movieStore } from "../clients.ts";
import { makeGetMovieHandler } from "./get-movie.ts";
import { makeUpdateMovieRatingHandler } from "./update-movie-rating.ts";

const { client, tableName } = await freshTable();
const deps = coldStart(handlerEnv({ tableName }));
const getMovie = makeGetMovieHandler(deps);
const updateMovieRating = makeUpdateMovieRatingHandler(deps);

const SEED = [
  {
    movie_id: "mv1",
    name: "Interstellar",
    country_of_origin: "United States",
    release_date: "2014-10-26",
  },
  {
    movie_id: "mv2",
    name: "The Dark Knight Rises",
    country_of_origin: "United States",
    release_date: "2012-07-16",
  },
  {
    movie_id: "mv3",
    name: "The Prestige",
    country_of_origin: "United Kingdom",
    release_date: "2006-10-17",
  },
];

beforeAll(async () => {
  await movieStore(client, tableName).movieInfos.putBatch(SEED);
});

async function get(movieId: string): Promise<APIGatewayProxyResult> {
  const event = movieRouteEvent("GET", movieId, { headers: { Accept: "application/json" } });
  const response = await getMovie(event, lambdaContext("get-movie", 10_000));
  expect(openApiViolations("get", "/movies/{movie_id}", response)).toEqual([]);
  return response;
}

async function patch(
  movieId: string,
  body: string | undefined,
  headers: Record<string, string> = { "Content-Type": "application/json" },
): Promise<APIGatewayProxyResult> {
  const event = movieRouteEvent("PATCH", movieId, {
    headers,
    ...(body !== undefined && { body }),
  });
  const response = await updateMovieRating(event, lambdaContext("update-movie-rating", 10_000));
  expect(openApiViolations("patch", "/movies/{movie_id}", response)).toEqual([]);
  return response;
}

const json = (response: APIGatewayProxyResult) => JSON.parse(response.body) as unknown;

describe("the seed's flow", () => {
  test("PATCH with the seed's body, then GET returns the merged movie", async () => {
    const merged = SEED_MV1_RATED;
    expect(await patch("mv1", SEED_PATCH_BODY)).toEqual({
      statusCode: 200,
      headers: { "Content-Type": "application/json", ETag: expect.stringMatching(/^"[\w-]{27}"$/) },
      body: JSON.stringify(merged),
    });
    expect(json(await get("mv1"))).toEqual(merged);
  });
});

describe("GET /movies/{movie_id}", () => {
  test("200: a movie never rated has null ratings", async () => {
    const response = await get("mv3");
    expect(response.statusCode).toBe(200);
    expect(json(response)).toEqual({ ...SEED[2], rotten_tomatoes_rating: null, imdb_rating: null });
  });

  test("404: an unknown movie is a problem document", async () => {
    expect(await get("mv404")).toEqual({
      statusCode: 404,
      headers: { "Content-Type": "application/problem+json" },
      body: JSON.stringify({
        type: "urn:movies:problem:movie-not-found",
        title: "Movie not found",
        status: 404,
        detail: "There is no movie with id mv404.",
      }),
    });
  });

  test("400: an invalid movie id names the field", async () => {
    const response = await get("not valid!");
    expect(response.statusCode).toBe(400);
    expect(response.headers?.["Content-Type"]).toBe("application/problem+json");
    expect(json(response)).toMatchObject({
      type: "urn:movies:problem:invalid-input",
      status: 400,
      errors: [{ field: "movie_id", message: expect.any(String) }],
    });
  });
});

describe("PATCH /movies/{movie_id}", () => {
  test("200: a partial update keeps the other rating", async () => {
    await patch("mv2", JSON.stringify({ rotten_tomatoes_rating: 87, imdb_rating: 7.8 }));
    const response = await patch("mv2", JSON.stringify({ imdb_rating: 8.4 }));
    expect(response.statusCode).toBe(200);
    expect(json(response)).toMatchObject({ rotten_tomatoes_rating: 87, imdb_rating: 8.4 });
  });

  test("400: invalid JSON", async () => {
    const response = await patch("mv1", '{"imdb_rating": ');
    expect(response.statusCode).toBe(400);
    expect(json(response)).toMatchObject({
      type: "urn:movies:problem:malformed-json",
      status: 400,
    });
  });

  test("400: every invalid field is named at once", async () => {
    const response = await patch(
      "mv1",
      JSON.stringify({
        movie_id: "mv2",
        rotten_tomatoes_rating: 101,
        imdb_rating: "9",
        genre: "x",
      }),
    );
    expect(response.statusCode).toBe(400);
    const fields = (json(response) as { errors: { field: string }[] }).errors.map((e) => e.field);
    expect(fields.sort()).toEqual(["genre", "imdb_rating", "movie_id", "rotten_tomatoes_rating"]);
  });

  test("400: a body without any rating", async () => {
    const response = await patch("mv1", JSON.stringify({ movie_id: "mv1" }));
    expect(response.statusCode).toBe(400);
    expect(json(response)).toMatchObject({ status: 400, errors: [expect.any(Object)] });
  });

  test("404: an unknown movie gets no rating", async () => {
    const response = await patch("ghost", JSON.stringify({ imdb_rating: 5 }));
    expect(response.statusCode).toBe(404);
    expect(json(response)).toMatchObject({ type: "urn:movies:problem:movie-not-found" });
    expect(json(await get("ghost"))).toMatchObject({ status: 404 });
  });

  test("413: a body over 16 KiB is refused before parsing", async () => {
    const response = await patch(
      "mv1",
      JSON.stringify({ imdb_rating: 5, pad: "x".repeat(16_384) }),
    );
    expect(response.statusCode).toBe(413);
    expect(json(response)).toMatchObject({ type: "urn:movies:problem:body-too-large" });
  });

  test("413 is not triggered by a body of exactly 16 KiB", async () => {
    const head = '{"imdb_rating": 5}';
    const response = await patch("mv1", head + " ".repeat(16_384 - head.length));
    expect(response.statusCode).toBe(200);
  });

  test.each([
    ["text/plain", { "Content-Type": "text/plain" }],
    ["no content type", {} as Record<string, string>],
  ])("415: %s", async (_label, headers) => {
    const response = await patch("mv1", JSON.stringify({ imdb_rating: 5 }), headers);
    expect(response.statusCode).toBe(415);
    expect(json(response)).toMatchObject({ type: "urn:movies:problem:unsupported-media-type" });
  });

  test("a JSON content type with parameters or a +json suffix is accepted", async () => {
    for (const type of ["application/json; charset=utf-8", "application/merge-patch+json"]) {
      const response = await patch("mv1", JSON.stringify({ imdb_rating: 43 }), {
        "content-type": type,
      });
      expect(response.statusCode).toBe(200);
    }
  });
});

describe("found by the fuzz tests (http-fuzz.int.test.ts)", () => {
  test("the Content-Type header is read whatever its letter case, with spaces before parameters", async () => {
    for (const headers of [
      { "CONTENT-TYPE": "application/json" },
      { "Content-type": "Application/JSON" },
      { "content-type": "application/json ; charset=utf-8" },
    ]) {
      const response = await patch("mv1", JSON.stringify({ imdb_rating: 42 }), headers);
      expect(response.statusCode, JSON.stringify(headers)).toBe(200);
    }
    const plain = await patch("mv1", JSON.stringify({ imdb_rating: 42 }), {
      "CONTENT-TYPE": "text/plain",
    });
    expect(plain.statusCode).toBe(415);
  });

  test("400, not 500: a rating in 0 to 100 but too small for DynamoDB to store", async () => {
    const response = await patch(
      "mv1",
      '{"imdb_rating": 5e-324, "rotten_tomatoes_rating": 1e-131}',
    );
    expect(response.statusCode).toBe(400);
    const fields = (json(response) as { errors: { field: string }[] }).errors.map((e) => e.field);
    expect(fields.sort()).toEqual(["imdb_rating", "rotten_tomatoes_rating"]);
    expect((await patch("mv1", '{"imdb_rating": 1e-130}')).statusCode).toBe(200);
  });
});

describe("server errors", () => {
  test("500 shows the request id and never the cause", async () => {
    const broken = makeGetMovieHandler(coldStart(handlerEnv({ tableName: "no-such-table" })));
    const context = lambdaContext("get-movie", 10_000);
    const response = await broken(movieRouteEvent("GET", "mv1"), context);
    expect(openApiViolations("get", "/movies/{movie_id}", response)).toEqual([]);
    expect(response.statusCode).toBe(500);
    expect(JSON.parse(response.body)).toEqual({
      type: "urn:movies:problem:internal-error",
      title: "Internal error",
      status: 500,
      detail: `The request could not be completed. Quote request id ${context.awsRequestId} when reporting it.`,
      request_id: context.awsRequestId,
    });
    expect(response.body).not.toMatch(/ResourceNotFound|DynamoDB|at .*\.ts/);
  });
});
