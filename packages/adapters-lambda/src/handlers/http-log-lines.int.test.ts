/**
 * Every log line of the HTTP functions names the movie it is about: the real handlers against
 * DynamoDB Local, their Powertools log lines read from stdout (where Lambda collects them).
 */

import { lambdaContext } from "@movies/local-aws";
import { afterEach, beforeEach, describe, expect, test, vi } from "vitest";
import { freshTable } from "../../test-kit/fresh-table.ts";
import { handlerEnv } from "../../test-kit/handler-env.ts";
import { movieRouteEvent } from "../../test-kit/movie-route-event.ts";
import { coldStart } from "../clients.ts";
import { createLogger } from "../observability/logger.ts";
import { makeGetMovieHandler } from "./get-movie.ts";
import { makeUpdateMovieRatingHandler } from "./update-movie-rating.ts";

const { tableName } = await freshTable();
// The test line silences Powertools; these tests read its lines.
const deps = {
  ...coldStart(handlerEnv({ tableName })),
  logger: createLogger({ logLevel: "INFO" }),
};
const getMovie = makeGetMovieHandler(deps);
const updateMovieRating = makeUpdateMovieRatingHandler(deps);

let lines: Array<Record<string, unknown>> = [];

beforeEach(() => {
  lines = [];
  const write = process.stdout.write.bind(process.stdout);
  vi.spyOn(process.stdout, "write").mockImplementation((chunk, ...rest) => {
    const text = String(chunk);
    if (text.startsWith("{")) {
      lines.push(JSON.parse(text) as Record<string, unknown>);
      return true;
    }
    return write(chunk, ...(rest as []));
  });
});

afterEach(() => {
  vi.restoreAllMocks();
});

describe("HTTP log lines", () => {
  test("a GET of an unknown movie logs its rejection with the movie_id and the request id", async () => {
    const response = await getMovie(
      movieRouteEvent("GET", "tt404"),
      lambdaContext("get-movie", 10_000),
    );
    expect(response.statusCode).toBe(404);
    expect(lines.length).toBeGreaterThan(0);
    for (const line of lines) {
      expect(line).toMatchObject({ movie_id: "tt404", function_request_id: expect.any(String) });
    }
  });

  test("a PATCH with an invalid body logs the movie_id, and the next invocation does not inherit it", async () => {
    const bad = await updateMovieRating(
      movieRouteEvent("PATCH", "tt1", {
        headers: { "Content-Type": "application/json" },
        body: '{"imdb_rating": "high"}',
      }),
      lambdaContext("update-movie-rating", 10_000),
    );
    expect(bad.statusCode).toBe(400);
    const unrouted = await updateMovieRating(
      {
        ...movieRouteEvent("PATCH", "tt2", {
          headers: { "Content-Type": "application/json" },
          body: '{"imdb_rating": "high"}',
        }),
        pathParameters: null,
      },
      lambdaContext("update-movie-rating", 10_000),
    );
    expect(unrouted.statusCode).toBe(400);
    expect(lines.map((line) => line["movie_id"])).toEqual(["tt1", undefined]);
  });
});
