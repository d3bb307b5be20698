import { injectLambdaContext } from "@aws-lambda-powertools/logger/middleware";
import middy from "@middy/core";
import { getMovie } from "@movies/domain";
import type { APIGatewayProxyEvent, APIGatewayProxyResult } from "aws-lambda";
import { coldStart } from "../clients.ts";
import { httpProblems } from "../http/http-problems.ts";
import { jsonResponse } from "../http/problem.ts";

// GET /movies/{movie_id} (SPEC §4.3). Built once per cold start.
const { logger, store } = coldStart(process.env);

export const handler = middy<APIGatewayProxyEvent, APIGatewayProxyResult>()
  .use(injectLambdaContext(logger))
  .use(httpProblems(logger))
  .handler(async (event) =>
    jsonResponse(200, await getMovie(store, event.pathParameters?.["movie_id"])),
  );
