import { injectLambdaContext } from "@aws-lambda-powertools/logger/middleware";
import middy from "@middy/core";
import httpErrorHandler from "@middy/http-error-handler";
import type { APIGatewayProxyEvent, APIGatewayProxyResult } from "aws-lambda";
import { logMovieId } from "../observability/log-movie-id.ts";
import type { Logger } from "../observability/logger.ts";
import { httpCors } from "./cors.ts";
import { httpHead } from "./http-head.ts";
import { httpProblems } from "./http-problems.ts";

/** What every HTTP function's edge needs. */
export interface HttpEdgeDeps {
  readonly logger: Logger;
  /** Origins whose browser pages may read the responses (none by default). */
  readonly allowedOrigins?: readonly string[];
}

/**
 * The middlewares every HTTP function starts with, in the order they must run: log lines with the
 * request id and the route's movie_id, CORS headers on every answer, and domain or middy errors
 * rendered as RFC 9457 problems; a HEAD (API Gateway sends it to a GET's function) answered
 * without the body, dropped last, after the response or problem is rendered.
 */
export function httpEdge({ logger, allowedOrigins = [] }: HttpEdgeDeps) {
  return middy<APIGatewayProxyEvent, APIGatewayProxyResult>()
    .use(httpHead())
    .use(injectLambdaContext(logger, { resetKeys: true }))
    .use(logMovieId(logger))
    .use(httpCors(allowedOrigins))
    .use(httpErrorHandler({ logger: false }))
    .use(httpProblems(logger));
}
