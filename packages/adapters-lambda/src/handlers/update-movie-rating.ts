import { injectLambdaContext } from "@aws-lambda-powertools/logger/middleware";
import middy from "@middy/core";
import httpErrorHandler from "@middy/http-error-handler";
import httpJsonBodyParser from "@middy/http-json-body-parser";
import { type RateMovieDeps, rateMovie } from "@movies/domain";
import type { APIGatewayProxyEvent, APIGatewayProxyResult } from "aws-lambda";
import { httpCors } from "../http/cors.ts";
import { etagOf, ifMatch } from "../http/etag.ts";
import { headerOf } from "../http/headers.ts";
import { httpBodyLimit } from "../http/http-body-limit.ts";
import { httpIJson, httpJsonContentType, patchFormatOf } from "../http/http-json-body.ts";
import { httpProblems } from "../http/http-problems.ts";
import { jsonResponse } from "../http/problem.ts";
import { logMovieId } from "../observability/log-movie-id.ts";
import type { Logger } from "../observability/logger.ts";

const BODY_LIMIT_BYTES = 16 * 1024;

export interface UpdateMovieRatingHandlerDeps {
  readonly logger: Logger;
  readonly store: RateMovieDeps;
  /** Origins whose browser pages may read the responses (none by default). */
  readonly allowedOrigins?: readonly string[];
}

/**
 * PATCH /movies/{movie_id}: sets (JSON) or also clears (JSON Merge Patch) the ratings the body
 * names, if the `If-Match` holds, and answers the movie as this write left it, with its ETag.
 */
export function makeUpdateMovieRatingHandler({
  logger,
  store,
  allowedOrigins = [],
}: UpdateMovieRatingHandlerDeps) {
  return middy<APIGatewayProxyEvent, APIGatewayProxyResult>()
    .use(injectLambdaContext(logger, { resetKeys: true }))
    .use(logMovieId(logger))
    .use(httpCors(allowedOrigins))
    .use(httpErrorHandler({ logger: false }))
    .use(httpProblems(logger))
    .use(httpBodyLimit(BODY_LIMIT_BYTES))
    .use(httpJsonContentType())
    .use(httpJsonBodyParser())
    .use(httpIJson())
    .handler(async (event) => {
      const movie = await rateMovie(store, event.pathParameters?.["movie_id"], event.body, {
        format: patchFormatOf(event),
        precondition: ifMatch(headerOf(event, "if-match")),
      });
      return jsonResponse(200, movie, { ETag: etagOf(movie) });
    });
}
