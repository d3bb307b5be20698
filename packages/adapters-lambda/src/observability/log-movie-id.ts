import type middy from "@middy/core";
import type { APIGatewayProxyEvent, APIGatewayProxyResult, Context } from "aws-lambda";
import type { Logger } from "./logger.ts";

/**
 * Every log line of an HTTP invocation carries the route's movie_id. Use it after
 * `injectLambdaContext(logger, { resetKeys: true })`, which drops the key when the invocation ends
 * so that the next one on a warm function does not inherit it.
 */
export function logMovieId(
  logger: Logger,
): middy.MiddlewareObj<APIGatewayProxyEvent, APIGatewayProxyResult, Error, Context> {
  return {
    before: (request) => {
      const movieId = request.event.pathParameters?.["movie_id"];
      if (movieId !== undefined) {
        logger.appendKeys({ movie_id: movieId });
      }
    },
  };
}
