import { injectLambdaContext } from "@aws-lambda-powertools/logger/middleware";
import middy from "@middy/core";
import httpErrorHandler from "@middy/http-error-handler";
import { type GetMovieDeps, getMovie } from "@movies/domain";
import type { APIGatewayProxyEvent, APIGatewayProxyResult } from "aws-lambda";
import { httpCors } from "../http/cors.ts";
import { etagOf, noneMatch } from "../http/etag.ts";
import { headerOf } from "../http/headers.ts";
import { httpHead } from "../http/http-head.ts";
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

/** GET (and HEAD) /movies/{movie_id}: the merged movie with its ETag, 304, or a problem. */
export function makeGetMovieHandler({ logger, store, allowedOrigins = [] }: GetMovieHandlerDeps) {
  return middy<APIGatewayProxyEvent, APIGatewayProxyResult>()
    .use(httpHead())
    .use(injectLambdaContext(logger, { resetKeys: true }))
    .use(logMovieId(logger))
    .use(httpCors(allowedOrigins))
    .use(httpErrorHandler({ logger: false }))
    .use(httpProblems(logger))
    .handler(async (event) => {
      const movie = await getMovie(store, event.pathParameters?.["movie_id"]);
      const etag = etagOf(movie);
      if (noneMatch(headerOf(event, "if-none-match"), etag)) {
        return { statusCode: 304, headers: { ETag: etag }, body: "" };
      }
      return jsonResponse(200, movie, { ETag: etag });
    });
}
