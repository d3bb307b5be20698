import { injectLambdaContext } from "@aws-lambda-powertools/logger/middleware";
import middy from "@middy/core";
import { getMovie } from "@movies/domain";
import type { APIGatewayProxyEvent, APIGatewayProxyResult } from "aws-lambda";
import { coldStart } from "../clients.ts";
import { httpProblems } from "../http/http-problems.ts";
import { jsonResponse } from "../http/problem.ts";
import { logMovieId } from "../observability/log-movie-id.ts";

// GET /movies/{movie_id}. Built once per cold start.
const { logger, store } = coldStart(process.env);

export const handler = middy<APIGatewayProxyEvent, APIGatewayProxyResult>()
  .use(injectLambdaContext(logger, { resetKeys: true }))
  .use(logMovieId(logger))
  .use(httpProblems(logger))
  .handler(async (event) =>
    jsonResponse(200, await getMovie(store, event.pathParameters?.["movie_id"])),
  );
