/*
 * httpHead on its own, as middy tests its middlewares: a real handler, the whole result asserted.
 */
import middy from "@middy/core";
import { lambdaContext } from "@movies/local-aws";
import type { APIGatewayProxyEvent, APIGatewayProxyResult } from "aws-lambda";
import { describe, expect, test } from "vitest";
import { movieRouteEvent } from "../../test-kit/movie-route-event.ts";
import { httpHead } from "./http-head.ts";

const ANSWER = { statusCode: 200, headers: { ETag: '"e"' }, body: '{"a":1}' };

function handlerAnswering(answer: APIGatewayProxyResult | null) {
  return middy<APIGatewayProxyEvent, APIGatewayProxyResult>()
    .use(httpHead())
    .handler(() => answer as APIGatewayProxyResult);
}

describe("httpHead", () => {
  test("a HEAD gets the GET's status and headers without the body; a GET keeps it", async () => {
    const context = lambdaContext("get-movie", 10_000);
    const handler = handlerAnswering(ANSWER);
    expect(await handler(movieRouteEvent("HEAD", "mv1"), context)).toEqual({ ...ANSWER, body: "" });
    expect(await handler(movieRouteEvent("GET", "mv1"), context)).toEqual(ANSWER);
  });

  test("with no response, a HEAD is left alone", async () => {
    const handler = handlerAnswering(null);
    expect(await handler(movieRouteEvent("HEAD", "mv1"), lambdaContext("get-movie", 10_000))).toBe(
      null,
    );
  });
});
