/*
 * Which Content-Type values PATCH /movies/{movie_id} reads as JSON, through the real handler on
 * the in-memory ports: a JSON media type is read however it is spelled (RFC 9110), anything else
 * is a 415 problem.
 */
import { describe, expect, test } from "vitest";
import { inMemoryHttpHandlers } from "../../test-kit/in-memory-http-handlers.ts";
import { movieRouteEvent } from "../../test-kit/movie-route-event.ts";
import { problems } from "./problem.ts";

const BODY = '{"imdb_rating": 61}';

function patchWith(headers: Record<string, string> | null) {
  const event = movieRouteEvent("PATCH", "mv1", { headers: headers ?? {}, body: BODY });
  return inMemoryHttpHandlers().patch({ ...event, headers: headers as Record<string, string> });
}

describe("JSON Content-Type, however it is spelled", () => {
  test.each([
    ["Content-Type", "application/json"],
    ["content-type", "application/json; charset=utf-8"],
    ["CONTENT-TYPE", "application/json"],
    ["cOnTeNt-TyPe", "APPLICATION/JSON"],
    ["Content-Type", "application/json ; charset=utf-8"],
    ["Content-Type", "application/json\t;charset=UTF-8"],
    ["Content-Type", "  application/json  "],
    // Spelled so that only this edge, not the body parser's own check, can accept them:
    ["content-TYPE", "application/merge-patch+json"],
    ["content-TYPE", "application/vnd.movies.v1+json; charset=utf-8"],
    ["content-TYPE", "application/a+b+json"],
  ])("%s: %s is read as JSON", async (name, value) => {
    const response = await patchWith({ Accept: "*/*", [name]: value });
    expect(response.statusCode).toBe(200);
    expect(response.body).toMatchObject({ movie_id: "mv1", imdb_rating: 61 });
  });
});

describe("anything else: 415", () => {
  const unsupported = {
    statusCode: 415,
    headers: { "Content-Type": "application/problem+json" },
    body: problems.unsupportedMediaType(),
  };

  test.each([
    "text/plain",
    "application/jsonx",
    "application/json-seq",
    "xapplication/json",
    "application/+json",
    "application/vnd movies+json",
    "text/json",
    "",
  ])("Content-Type: %j", async (value) => {
    // An odd spelling of the name must not make a non-JSON type pass either.
    expect(await patchWith({ "CONTENT-TYPE": value })).toEqual(unsupported);
  });

  test("no Content-Type header, or no headers at all", async () => {
    expect(await patchWith({ Accept: "application/json" })).toEqual(unsupported);
    expect(await patchWith(null)).toEqual(unsupported);
  });
});
