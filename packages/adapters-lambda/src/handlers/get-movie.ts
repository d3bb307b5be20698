import { injectLambdaContext } from "@aws-lambda-powertools/logger/middleware";
import middy from "@middy/core";
import httpErrorHandler from "@middy/http-error-handler";
import { type GetMovieDeps, getMovie } from "@movies/domain";
import type { APIGatewayProxyEvent, APIGatewayProxyResult } from "aws-lambda";
import { httpCors } from "../http/cors.ts";
import { httpProblems } from "../http/http-problems.ts";
import { jsonResponse } from "../http/problem.ts";
import { logMovieId } from "../observability/log-movie-id.ts";
import type { Logger } from "../observability/logger.ts";

export interface GetMovieHandlerDeps {
  readonly logger: Logger;
  readonly store: GetMovieDeps;
  /** Origins whose browser pages may read the responses (none by default). */
  readonly allowedOrigins?: readonly string[];
}

/** GET /movies/{movie_id}: the merged movie, or a problem. */
export function makeGetMovieHandler({ logger, store, allowedOrigins = [] }: GetMovieHandlerDeps) {
  return middy<APIGatewayProxyEvent, APIGatewayProxyResult>()
    .use(injectLambdaContext(logger, { resetKeys: true }))
    .use(logMovieId(logger))
    .use(httpCors(allowedOrigins))
    .use(httpErrorHandler({ logger: false }))
    .use(httpProblems(logger))
    .handler(async (event) =>
      jsonResponse(200, await getMovie(store, event.pathParameters?.["movie_id"])),
    );
}
