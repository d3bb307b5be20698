import { InMemoryMovieStore } from "@movies/domain/testing";
import { lambdaContext } from "@movies/local-aws";
import type { APIGatewayProxyEvent, APIGatewayProxyResult } from "aws-lambda";
import { makeGetMovieHandler } from "../src/handlers/get-movie.ts";
import { makeUpdateMovieRatingHandler } from "../src/handlers/update-movie-rating.ts";
import { createLogger } from "../src/observability/logger.ts";

export const INTERSTELLAR = {
  movie_id: "mv1",
  name: "Interstellar",
  country_of_origin: "United States",
  release_date: "2014-10-26",
} as const;

/** A response with its problem (or JSON) body parsed. */
export interface ParsedResponse {
  readonly statusCode: number;
  readonly headers: APIGatewayProxyResult["headers"];
  readonly body: Record<string, unknown>;
}

/**
 * The real HTTP handlers, built by their factories on the domain's in-memory ports (one movie,
 * Interstellar, stored) with a real Powertools logger the test may spy on. No DynamoDB.
 */
export function inMemoryHttpHandlers(
  options: ConstructorParameters<typeof InMemoryMovieStore>[0] = {},
) {
  const memory = new InMemoryMovieStore(options);
  memory.seed(INTERSTELLAR);
  const logger = createLogger();
  const deps = { logger, store: { movieInfos: memory, ratings: memory } };
  const get = makeGetMovieHandler(deps);
  const patch = makeUpdateMovieRatingHandler(deps);
  const parsed = async (response: Promise<APIGatewayProxyResult>): Promise<ParsedResponse> => {
    const { statusCode, headers, body } = await response;
    return { statusCode, headers, body: JSON.parse(body) as Record<string, unknown> };
  };
  return {
    logger,
    memory,
    get: (event: APIGatewayProxyEvent) => parsed(get(event, lambdaContext("get-movie", 10_000))),
    patch: (event: APIGatewayProxyEvent) =>
      parsed(patch(event, lambdaContext("update-movie-rating", 10_000))),
  };
}
