/*
 * The problem catalogue at the edge: every failure a handler meets becomes the RFC 9457 problem
 * a client reads, and the right log line. Real handlers on the in-memory ports; the store's
 * failures are thrown by its `before` hook, and the Powertools logger is spied on (the test line
 * silences its output).
 */
import middy from "@middy/core";
import httpErrorHandler from "@middy/http-error-handler";
import httpJsonBodyParser from "@middy/http-json-body-parser";
import { lambdaContext } from "@movies/local-aws";
import type { APIGatewayProxyEvent, APIGatewayProxyResult } from "aws-lambda";
import { afterEach, describe, expect, test, vi } from "vitest";
import { inMemoryHttpHandlers } from "../../test-kit/in-memory-http-handlers.ts";
import { movieRouteEvent } from "../../test-kit/movie-route-event.ts";
import { createLogger } from "../observability/logger.ts";
import { httpProblems } from "./http-problems.ts";
import { ProblemError, problems } from "./problem.ts";

const JSON_HEADERS = { "Content-Type": "application/json" };
const PROBLEM_HEADERS = { "Content-Type": "application/problem+json" };

afterEach(() => {
  vi.restoreAllMocks();
});

/** The handlers with a store whose every call throws `thrown`, and spies on the log. */
function failingWith(thrown: unknown) {
  const handlers = inMemoryHttpHandlers({
    before: () => {
      throw thrown;
    },
  });
  return {
    ...handlers,
    error: vi.spyOn(handlers.logger, "error"),
    info: vi.spyOn(handlers.logger, "info"),
  };
}

function internal(requestId: unknown) {
  return {
    statusCode: 500,
    headers: PROBLEM_HEADERS,
    body: {
      type: "urn:movies:problem:internal-error",
      title: "Internal error",
      status: 500,
      detail: `The request could not be completed. Quote request id ${String(requestId)} when reporting it.`,
      request_id: requestId,
    },
  };
}

describe("unexpected failures: a generic 500, the cause in the log only", () => {
  test.each([
    ["an Error", new Error("ResourceNotFoundException: table movies")],
    [
      "an HTTP-looking error that is no client's fault",
      Object.assign(new Error("x"), { statusCode: 422 }),
    ],
    [
      "a 422 whose cause is not the JSON parser",
      Object.assign(new Error("y"), { statusCode: 422, cause: { package: "@middy/other" } }),
    ],
    [
      "a server failure that names the JSON parser as its cause",
      Object.assign(new Error("z"), {
        statusCode: 500,
        cause: { package: "@middy/http-json-body-parser" },
      }),
    ],
  ])("%s", async (_, thrown) => {
    const { get, error, info } = failingWith(thrown);
    const response = await get(movieRouteEvent("GET", "mv1"));
    expect(response).toEqual(internal(response.body["request_id"]));
    expect(response.body["request_id"]).toEqual(expect.any(String));
    expect(JSON.stringify(response.body)).not.toMatch(/ResourceNotFound|table movies/);
    expect(error).toHaveBeenCalledExactlyOnceWith("request failed", thrown);
    expect(info).not.toHaveBeenCalled();
  });

  test("something thrown that is not an error at all", async () => {
    const { patch, error } = failingWith(undefined);
    const response = await patch(
      movieRouteEvent("PATCH", "mv1", { headers: JSON_HEADERS, body: '{"imdb_rating": 1}' }),
    );
    expect(response).toEqual(internal(response.body["request_id"]));
    expect(error).toHaveBeenCalledExactlyOnceWith("request failed", "unknown error");
  });
});

describe("refusals: a 4xx problem, logged as a rejection", () => {
  test("every invalid field is named, and the detail counts them", async () => {
    const { patch, info, error } = failingWith(new Error("never reached"));
    const response = await patch(
      movieRouteEvent("PATCH", "mv1", {
        headers: JSON_HEADERS,
        body: '{"imdb_rating": 101, "rotten_tomatoes_rating": -1}',
      }),
    );
    expect(response.statusCode).toBe(400);
    expect(response.headers).toEqual(PROBLEM_HEADERS);
    expect(response.body).toMatchObject({
      type: "urn:movies:problem:invalid-input",
      title: "Invalid input",
      status: 400,
      detail: "2 fields are invalid.",
    });
    const errors = response.body["errors"] as { field: string }[];
    expect(errors.map((e) => e.field).sort()).toEqual(["imdb_rating", "rotten_tomatoes_rating"]);
    expect(info).toHaveBeenCalledExactlyOnceWith("request rejected", {
      status: 400,
      problem: "Invalid input",
    });
    expect(error).not.toHaveBeenCalled();
  });

  test("an unknown movie, a malformed body, a wrong media type and a too large body", async () => {
    const handlers = inMemoryHttpHandlers();
    const info = vi.spyOn(handlers.logger, "info");
    const error = vi.spyOn(handlers.logger, "error");
    const patch = (headers: Record<string, string>, body: string) =>
      handlers.patch(movieRouteEvent("PATCH", "mv1", { headers, body }));
    const answers = [
      await handlers.get(movieRouteEvent("GET", "mv9")),
      await patch(JSON_HEADERS, "{"),
      await patch({ "Content-Type": "text/csv" }, "imdb_rating\n5"),
      await patch(JSON_HEADERS, " ".repeat(16 * 1024 + 1)),
    ];
    expect(answers.map((a) => [a.statusCode, a.body["type"]])).toEqual([
      [404, "urn:movies:problem:movie-not-found"],
      [400, "urn:movies:problem:malformed-json"],
      [415, "urn:movies:problem:unsupported-media-type"],
      [413, "urn:movies:problem:body-too-large"],
    ]);
    expect(info.mock.calls).toEqual([
      ["request rejected", { status: 404, problem: "Movie not found" }],
      ["request rejected", { status: 400, problem: "Malformed JSON" }],
      ["request rejected", { status: 415, problem: "Unsupported media type" }],
      ["request rejected", { status: 413, problem: "Request body too large" }],
    ]);
    expect(error).not.toHaveBeenCalled();
  });
});

describe("the middleware's contract with middy", () => {
  const failure = new Error("disk on fire");
  const event = movieRouteEvent("GET", "mv1");

  test("hands the renderer a ProblemError that keeps the original failure as its cause", async () => {
    const handler = middy<APIGatewayProxyEvent, APIGatewayProxyResult>()
      .use(httpProblems(createLogger()))
      .handler(() => {
        throw failure;
      });
    const thrown = await handler(event, lambdaContext("get-movie", 10_000)).catch((e) => e);
    expect(thrown).toBeInstanceOf(ProblemError);
    expect((thrown as ProblemError).problem.status).toBe(500);
    expect((thrown as ProblemError).cause).toBe(failure);
  });

  test("leaves alone a response that an earlier error handler already set", async () => {
    const answered = { statusCode: 503, body: "retry later" };
    const logger = createLogger();
    const logged = vi.spyOn(logger, "error");
    const handler = middy<APIGatewayProxyEvent, APIGatewayProxyResult>()
      .use(httpErrorHandler({ logger: false }))
      .use(httpProblems(logger))
      .use({
        onError: (request) => {
          request.response = answered;
        },
      })
      .handler(() => {
        throw failure;
      });
    expect(await handler(event, lambdaContext("get-movie", 10_000))).toEqual(answered);
    expect(logged).not.toHaveBeenCalled();
  });

  test("middy's own 415 (its JSON parser behind no Content-Type edge) is the same problem", async () => {
    const handler = middy<APIGatewayProxyEvent, APIGatewayProxyResult>()
      .use(httpErrorHandler({ logger: false }))
      .use(httpProblems(createLogger()))
      .use(httpJsonBodyParser())
      .handler(() => ({ statusCode: 200, body: "" }));
    const response = await handler(
      movieRouteEvent("PATCH", "mv1", { headers: { "content-type": "text/plain" }, body: "{}" }),
      lambdaContext("update-movie-rating", 10_000),
    );
    expect({ ...response, body: JSON.parse(response.body) }).toEqual({
      statusCode: 415,
      headers: PROBLEM_HEADERS,
      body: problems.unsupportedMediaType(),
    });
  });
});
