/*
 * Conditional requests as a client writes their headers: the real handlers on the in-memory ports
 * (Interstellar stored as mv1), each answer read whole.
 */
import { InMemoryMovieStore } from "@movies/domain/testing";
import { lambdaContext } from "@movies/local-aws";
import { describe, expect, test } from "vitest";
import { INTERSTELLAR, inMemoryHttpHandlers } from "../../test-kit/in-memory-http-handlers.ts";
import { movieRouteEvent } from "../../test-kit/movie-route-event.ts";
import { makeGetMovieHandler } from "../handlers/get-movie.ts";
import { createLogger } from "../observability/logger.ts";

const RATE = '{"imdb_rating": 61}';

async function currentEtag(): Promise<string> {
  const { headers } = await inMemoryHttpHandlers().get(movieRouteEvent("GET", "mv1"));
  return String(headers?.["ETag"]);
}

const patchIf = (ifMatch: string) =>
  inMemoryHttpHandlers().patch(
    movieRouteEvent("PATCH", "mv1", {
      headers: { "Content-Type": "application/json", "If-Match": ifMatch },
      body: RATE,
    }),
  );

/** The status of a GET with this `If-None-Match` (a 304 has no body to parse). */
async function getIfNone(ifNoneMatch: string): Promise<number> {
  const memory = new InMemoryMovieStore();
  memory.seed(INTERSTELLAR);
  const get = makeGetMovieHandler({ logger: createLogger(), store: { movieInfos: memory } });
  const event = movieRouteEvent("GET", "mv1", { headers: { "If-None-Match": ifNoneMatch } });
  return (await get(event, lambdaContext("get-movie", 10_000))).statusCode;
}

describe("If-Match on a write", () => {
  test("`*` only asks that the movie exists", async () => {
    expect(await patchIf("*")).toMatchObject({ statusCode: 200, body: { imdb_rating: 61 } });
    expect(await patchIf(`"stale", *`)).toMatchObject({ statusCode: 200 });
  });

  test("a list matches when any of its tags is the current one; a weak tag never does", async () => {
    const etag = await currentEtag();
    expect((await patchIf(`"stale", ${etag}`)).statusCode).toBe(200);
    expect((await patchIf(`W/${etag}`)).statusCode).toBe(412);
  });

  test("a header with no entity tag in it matches nothing", async () => {
    const etag = await currentEtag();
    expect((await patchIf(etag.slice(1, -1))).statusCode).toBe(412);
  });
});

describe("If-None-Match on a read", () => {
  test("`*`, the current tag, or its weak form: 304", async () => {
    const etag = await currentEtag();
    expect(await getIfNone("*")).toBe(304);
    expect(await getIfNone(etag)).toBe(304);
    expect(await getIfNone(`"other", W/${etag}`)).toBe(304);
  });

  test("a tag that only contains `W/` further in is not the weak form of the current one", async () => {
    const etag = await currentEtag();
    expect(await getIfNone(`"W/${etag.slice(1)}`)).toBe(200);
    expect(await getIfNone(`"other"`)).toBe(200);
  });
});
