/*
 * CORS as the functions answer it: real middy handlers from their factories on the domain's
 * in-memory ports, and the policy's origin rules.
 */
import middy from "@middy/core";
import { InMemoryMovieStore } from "@movies/domain/testing";
import { lambdaContext } from "@movies/local-aws";
import type { APIGatewayProxyEvent, APIGatewayProxyResult } from "aws-lambda";
import fc from "fast-check";
import { describe, expect, test } from "vitest";
import { movieRouteEvent } from "../../test-kit/movie-route-event.ts";
import { loadConfig } from "../config.ts";
import { makeGetMovieHandler } from "../handlers/get-movie.ts";
import { makeUpdateMovieRatingHandler } from "../handlers/update-movie-rating.ts";
import { createLogger } from "../observability/logger.ts";
import { corsPolicy, httpCors, isOrigin, parseOrigins, withHeaders } from "./cors.ts";

const APP = "https://app.example.com";

function handlers(allowedOrigins?: readonly string[]) {
  const memory = new InMemoryMovieStore();
  memory.seed({
    movie_id: "mv1",
    name: "Interstellar",
    country_of_origin: "United States",
    release_date: "2014-10-26",
  });
  const deps = {
    logger: createLogger(),
    store: { movieInfos: memory, ratings: memory },
    ...(allowedOrigins && { allowedOrigins }),
  };
  return { get: makeGetMovieHandler(deps), patch: makeUpdateMovieRatingHandler(deps) };
}

const context = () => lambdaContext("get-movie", 10_000);

describe("the functions' CORS headers", () => {
  test("an allowed origin may read the movie and its ETag, on success and on a problem", async () => {
    const { get, patch } = handlers([APP, "http://localhost:5173"]);
    const ok = await get(movieRouteEvent("GET", "mv1", { headers: { origin: APP } }), context());
    expect(ok.statusCode).toBe(200);
    expect(ok.headers).toMatchObject({
      "Access-Control-Allow-Origin": APP,
      "Access-Control-Expose-Headers": "ETag",
      Vary: "Origin",
    });
    const refused = await patch(
      movieRouteEvent("PATCH", "mv1", {
        headers: { Origin: "http://localhost:5173", "content-type": "text/plain" },
        body: "x",
      }),
      context(),
    );
    expect(refused.statusCode).toBe(415);
    expect(refused.headers).toMatchObject({
      "Content-Type": "application/problem+json",
      "Access-Control-Allow-Origin": "http://localhost:5173",
      Vary: "Origin",
    });
  });

  test("an origin not allowed, or no origin, gets no CORS header, only Vary", async () => {
    const { get } = handlers([APP]);
    for (const headers of [{ origin: "https://evil.example" }, { origin: `${APP}.evil` }, {}]) {
      const response = await get(movieRouteEvent("GET", "mv1", { headers }), context());
      expect(response.statusCode).toBe(200);
      expect(response.headers).toEqual({
        "Content-Type": "application/json",
        ETag: expect.any(String),
        Vary: "Origin",
      });
    }
  });

  test("by default no origin is allowed and nothing is added", async () => {
    const response = await handlers().get(
      movieRouteEvent("GET", "mv1", { headers: { origin: APP } }),
      context(),
    );
    expect(response.headers).toEqual({
      "Content-Type": "application/json",
      ETag: expect.any(String),
    });
  });

  test("the preflight names the path's methods, the request headers and a max age", () => {
    expect(corsPolicy([APP]).preflightHeaders({ Origin: APP }, ["GET", "PATCH"])).toEqual({
      "Access-Control-Allow-Origin": APP,
      "Access-Control-Allow-Methods": "GET, PATCH",
      "Access-Control-Allow-Headers":
        "Content-Type, If-Match, If-None-Match, Authorization, X-Amz-Date, X-Amz-Security-Token, X-Amz-Content-Sha256",
      "Access-Control-Max-Age": "600",
      Vary: "Origin",
    });
    expect(corsPolicy([APP]).preflightHeaders({ Origin: "https://x.example" }, ["GET"])).toEqual({
      Vary: "Origin",
    });
  });
});

describe("allowed origins in the configuration", () => {
  test("a function names every value that is not an origin a browser sends", () => {
    const env = { AWS_REGION: "eu-west-1", MOVIES_TABLE: "movies" };
    expect(
      loadConfig({ ...env, MOVIES_CORS_ORIGINS: `${APP}, http://localhost:5173` }).allowedOrigins,
    ).toEqual([APP, "http://localhost:5173"]);
    expect(() =>
      loadConfig({ ...env, MOVIES_CORS_ORIGINS: `${APP},*,https://a.example/,https://A.example` }),
    ).toThrow(
      /MOVIES_CORS_ORIGINS: \* is not an origin[\s\S]*https:\/\/a\.example\/ is not[\s\S]*https:\/\/A\.example is not/,
    );
  });

  test("default ports, paths, upper case and other schemes are refused", () => {
    for (const value of [
      "https://a.example:443",
      "http://a.example:80",
      "https://a.example/app",
      "ftp://a.example",
      "https://a.example?x",
      "null",
    ]) {
      expect(isOrigin(value), value).toBe(false);
    }
    expect(isOrigin("http://localhost:8080")).toBe(true);
  });

  test("every origin a browser serializes from an http(s) URL is accepted as it is", () => {
    const scheme = fc.constantFrom("http", "https");
    const port = fc.option(fc.integer({ min: 1, max: 65_535 }), { nil: undefined });
    fc.assert(
      fc.property(scheme, fc.domain(), port, (s, host, p) => {
        const { origin } = new URL(`${s}://${host}${p === undefined ? "" : `:${p}`}/path?q`);
        expect(isOrigin(origin)).toBe(true);
      }),
    );
  });
});

describe("the policy's edges", () => {
  test("a configured list is trimmed, empty entries and repeats dropped, every non-origin named", () => {
    expect(parseOrigins(` ${APP} ,, http://localhost:5173,${APP}, ,ftp://x `)).toEqual({
      origins: [APP, "http://localhost:5173"],
      invalid: ["ftp://x"],
    });
    expect(parseOrigins(undefined)).toEqual({ origins: [], invalid: [] });
  });

  test("the Origin header is found in any letter case, and only an allowed one is echoed", () => {
    const policy = corsPolicy([APP]);
    const allowed = {
      Vary: "Origin",
      "Access-Control-Allow-Origin": APP,
      "Access-Control-Expose-Headers": "ETag",
    };
    expect(policy.responseHeaders({ ORIGIN: APP })).toEqual(allowed);
    expect(policy.responseHeaders({ "x-origin": APP })).toEqual({ Vary: "Origin" });
    expect(policy.responseHeaders({ undefined: APP })).toEqual({ Vary: "Origin" });
    expect(policy.responseHeaders({ Origin: undefined })).toEqual({ Vary: "Origin" });
    expect(corsPolicy([]).responseHeaders({ Origin: APP })).toEqual({});
  });

  test("a Vary the response has already is extended; other headers are set", () => {
    const response = { statusCode: 200, headers: { Vary: "Accept", ETag: '"a"' }, body: "" };
    expect(withHeaders(response, { Vary: "Origin", ETag: '"b"', "X-A": "1" })).toEqual({
      statusCode: 200,
      headers: { Vary: "Accept, Origin", ETag: '"b"', "X-A": "1" },
      body: "",
    });
    expect(withHeaders({ statusCode: 204, body: "" }, { Vary: "Origin" }).headers).toEqual({
      Vary: "Origin",
    });
  });

  test("with no response to decorate, the middleware steps aside: the error or the null stays", async () => {
    const event = movieRouteEvent("GET", "mv1", { headers: { Origin: APP } });
    const failure = new Error("boom");
    const failing = middy<APIGatewayProxyEvent, APIGatewayProxyResult>()
      .use(httpCors([APP]))
      .handler(() => {
        throw failure;
      });
    await expect(failing(event, context())).rejects.toBe(failure);
    const empty = middy<APIGatewayProxyEvent, APIGatewayProxyResult>()
      .use(httpCors([APP]))
      .handler(() => null as unknown as APIGatewayProxyResult);
    expect(await empty(event, context())).toBeNull();
  });
});
