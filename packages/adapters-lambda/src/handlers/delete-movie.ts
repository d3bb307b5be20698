import { injectLambdaContext } from "@aws-lambda-powertools/logger/middleware";
import middy from "@middy/core";
import httpErrorHandler from "@middy/http-error-handler";
import { type DeleteMovieDeps, deleteMovie } from "@movies/domain";
import type { APIGatewayProxyEvent, APIGatewayProxyResult } from "aws-lambda";
import { httpCors } from "../http/cors.ts";
import { ifMatch } from "../http/etag.ts";
import { headerOf } from "../http/headers.ts";
import { httpProblems } from "../http/http-problems.ts";
import { logMovieId } from "../observability/log-movie-id.ts";
import type { Logger } from "../observability/logger.ts";

export interface DeleteMovieHandlerDeps {
  readonly logger: Logger;
  /** Origins whose browser pages may read the responses (none by default). */
  readonly allowedOrigins?: readonly string[];
  readonly store: DeleteMovieDeps;
}

/** DELETE /movies/{movie_id}: removes info and ratings if the `If-Match` holds; 204. */
export function makeDeleteMovieHandler({
  logger,
  store,
  allowedOrigins = [],
}: DeleteMovieHandlerDeps) {
  return middy<APIGatewayProxyEvent, APIGatewayProxyResult>()
    .use(injectLambdaContext(logger, { resetKeys: true }))
    .use(logMovieId(logger))
    .use(httpCors(allowedOrigins))
    .use(httpErrorHandler({ logger: false }))
    .use(httpProblems(logger))
    .handler(async (event) => {
      await deleteMovie(
        store,
        event.pathParameters?.["movie_id"],
        ifMatch(headerOf(event, "if-match")),
      );
      return { statusCode: 204, headers: {}, body: "" };
    });
}
