import { injectLambdaContext } from "@aws-lambda-powertools/logger/middleware";
import middy from "@middy/core";
import httpErrorHandler from "@middy/http-error-handler";
import { type ListMoviesDeps, listMovies } from "@movies/domain";
import type { APIGatewayProxyEvent, APIGatewayProxyResult } from "aws-lambda";
import { httpCors } from "../http/cors.ts";
import { etagOfJson } from "../http/etag.ts";
import { httpHead } from "../http/http-head.ts";
import { httpProblems } from "../http/http-problems.ts";
import { jsonResponse } from "../http/problem.ts";
import type { Logger } from "../observability/logger.ts";

export interface ListMoviesHandlerDeps {
  readonly logger: Logger;
  /** Origins whose browser pages may read the responses (none by default). */
  readonly allowedOrigins?: readonly string[];
  readonly store: ListMoviesDeps;
}

/** GET (and HEAD) /movies?limit&cursor: a page of movies, each with its ETag, and the next cursor. */
export function makeListMoviesHandler({
  logger,
  store,
  allowedOrigins = [],
}: ListMoviesHandlerDeps) {
  return middy<APIGatewayProxyEvent, APIGatewayProxyResult>()
    .use(httpHead())
    .use(injectLambdaContext(logger, { resetKeys: true }))
    .use(httpCors(allowedOrigins))
    .use(httpErrorHandler({ logger: false }))
    .use(httpProblems(logger))
    .handler(async (event) => {
      const query = event.queryStringParameters ?? {};
      const page = await listMovies(store, { limit: query["limit"], cursor: query["cursor"] });
      // Each movie is serialized once, for its ETag and for the page: the item is that JSON with
      // the ETag as its last member.
      const movies = page.items.map((movie) => {
        const json = JSON.stringify(movie);
        return `${json.slice(0, -1)},"etag":${JSON.stringify(etagOfJson(json))}}`;
      });
      return {
        ...jsonResponse(200, null),
        body: `{"movies":[${movies.join(",")}],"next":${JSON.stringify(page.next ?? null)}}`,
      };
    });
}
