/*
 * Fuzzing PATCH and GET /movies/{movie_id} with fast-check: random bodies (JSON or not, nested,
 * oversized, base64), content types and header spellings, other headers, and path ids, into the
 * deployed handlers on DynamoDB Local. Every answer must be the one the API documents (openapi.json, README), worked
 * out here independently of the code: never a 5xx, a problem+json document with the right status
 * for every refusal, and a response that conforms to openapi.json.
 *
 * Then FAULT INJECTION: the same handlers on a store that fails in every way (a proxy in front of
 * DynamoDB Local answering errors, garbage, resets): a generic 500 with the request id, and
 * nothing of the cause (no stack trace, no SDK message, no ARN) in the body.
 */

import { apiGatewayProxyEvent, lambdaContext } from "@movies/local-aws";
import type { APIGatewayProxyEvent, APIGatewayProxyResult, Context } from "aws-lambda";
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, inject, test } from "vitest";
import { type RequestFault, startDynamoDbFaultProxy } from "../../test-kit/dynamodb-fault-proxy.ts";
import { freshTable } from "../../test-kit/fresh-table.ts";
import { handlerEnv } from "../../test-kit/handler-env.ts";
import { openApiViolations } from "../../test-kit/openapi-contract.ts";
import { reportFigures } from "../../test-kit/report-figures.ts";
import { coldStart, movieStore } from "../clients.ts";
import { duplicateKey, MAX_JSON_DEPTH } from "../http/http-json-body.ts";
import { makeGetMovieHandler } from "./get-movie.ts";
import { makeUpdateMovieRatingHandler } from "./update-movie-rating.ts";

const { client, tableName } = await freshTable();
const deps = coldStart(handlerEnv({ tableName }));
const getMovie = makeGetMovieHandler(deps);
const updateMovieRating = makeUpdateMovieRatingHandler(deps);

const EXISTING = ["mv1", "MV1", "mv.2", "a_b-c", "x".repeat(64)];
const BODY_LIMIT = 16 * 1024;

beforeAll(async () => {
  await movieStore(client, tableName).movieInfos.putBatch(
    EXISTING.map((movie_id) => ({
      movie_id,
      name: `Movie ${movie_id}`,
      country_of_origin: "Peru",
      release_date: "2001-01-01",
    })),
  );
});

const cases = { patch: 0, get: 0, brokenStore: 0, byStatus: {} as Record<number, number> };
afterAll(() => reportFigures("http fuzz cases", cases));

// --- the spec, read independently -------------------------------------------------------------

const MOVIE_ID = /^(?!\.+$)[A-Za-z0-9._-]{1,64}$/;
const RATING_FIELDS = ["rotten_tomatoes_rating", "imdb_rating"];

function isValidId(id: unknown): id is string {
  return typeof id === "string" && MOVIE_ID.test(id);
}

/** RFC 9110: a media type is case-insensitive and its parameters may have spaces before `;`. */
function isJsonMediaType(value: string | undefined): boolean {
  return value !== undefined && /^\s*application\/([\w.+-]+\+)?json\s*(;.*)?$/i.test(value);
}

type Expected = { status: number; type?: string };

function expectedPatch(request: PatchRequest): Expected {
  const raw =
    request.body === undefined
      ? undefined
      : request.base64
        ? Buffer.from(request.body, "base64")
        : Buffer.from(request.body, "utf8");
  if (raw !== undefined && raw.byteLength > BODY_LIMIT) {
    return { status: 413, type: "urn:movies:problem:body-too-large" };
  }
  const contentType = Object.entries(request.headers).find(([name]) =>
    /^content-type$/i.test(name),
  )?.[1];
  const charset = /;\s*charset\s*=\s*"?([^";\s]*)/i.exec(contentType ?? "")?.[1];
  if (!isJsonMediaType(contentType) || (charset !== undefined && !/^utf-?8$/i.test(charset))) {
    return { status: 415, type: "urn:movies:problem:unsupported-media-type" };
  }
  const mergePatch = /^\s*application\/merge-patch\+json\s*(;|$)/i.test(contentType ?? "");
  let body: unknown = null;
  if (raw !== undefined) {
    try {
      // A `__proto__` key is data like any other (an unknown field below).
      body = JSON.parse(raw.toString("utf8"));
    } catch {
      return { status: 400, type: "urn:movies:problem:malformed-json" };
    }
    if (depthOf(body) > MAX_JSON_DEPTH) {
      return { status: 400, type: "urn:movies:problem:malformed-json" };
    }
    // I-JSON: a key twice in one object is malformed (its own property test covers the scanner).
    if (duplicateKey(raw.toString("utf8")) !== undefined) {
      return { status: 400, type: "urn:movies:problem:malformed-json" };
    }
  }
  const idValid = isValidId(request.movieId);
  let bodyValid = typeof body === "object" && body !== null && !Array.isArray(body);
  if (bodyValid) {
    const fields = body as Record<string, unknown>;
    for (const [field, value] of Object.entries(fields)) {
      if (field === "movie_id") {
        if (typeof value !== "string" || (idValid && value !== request.movieId)) bodyValid = false;
      } else if (RATING_FIELDS.includes(field)) {
        if (value === null && mergePatch) continue;
        if (typeof value !== "number" || !Number.isFinite(value) || value < 0 || value > 100) {
          bodyValid = false;
        }
        // Finite and 0 to 100, but below what DynamoDB stores: refused as invalid, not a 500.
        if (typeof value === "number" && value !== 0 && Math.abs(value) < 1e-130) bodyValid = false;
      } else bodyValid = false;
    }
    if (!RATING_FIELDS.some((field) => Object.hasOwn(fields, field))) bodyValid = false;
  }
  if (!idValid || !bodyValid) return { status: 400, type: "urn:movies:problem:invalid-input" };
  return EXISTING.includes(request.movieId as string)
    ? { status: 200 }
    : { status: 404, type: "urn:movies:problem:movie-not-found" };
}

// --- generators ---------------------------------------------------------------------------------

const pathId: fc.Arbitrary<string | undefined> = fc.oneof(
  { weight: 4, arbitrary: fc.constantFrom(...EXISTING) },
  { weight: 2, arbitrary: fc.stringMatching(/^[A-Za-z0-9._-]{1,64}$/) },
  {
    weight: 2,
    arbitrary: fc.oneof(
      fc.string({ unit: "binary", maxLength: 70 }),
      fc.constantFrom(
        "",
        " ",
        "mv1 ",
        "../mv1",
        "mv1/x",
        "%6Dv1",
        "x".repeat(65),
        "ｍｖ１",
        "mv1\u0000",
      ),
    ),
  },
  { weight: 1, arbitrary: fc.constant(undefined) },
);

const contentTypeValue = fc.oneof(
  {
    weight: 6,
    arbitrary: fc.constantFrom(
      "application/json",
      "application/json",
      "application/json; charset=utf-8",
      "application/json;charset=UTF-8",
      "APPLICATION/JSON",
      "Application/Json",
      "application/json ; charset=utf-8",
      " application/json",
      "application/merge-patch+json",
      "application/merge-patch+json; charset=utf-8",
      "application/json; charset=iso-8859-1",
      "application/json; charset=utf-16",
      "application/vnd.api+json",
    ),
  },
  {
    weight: 2,
    arbitrary: fc.constantFrom(
      "text/plain",
      "text/json",
      "application/xml",
      "application/jsonx",
      "application/json-patch",
      "application/x-www-form-urlencoded",
      "multipart/form-data; boundary=x",
      "json",
      "",
      "*/*",
    ),
  },
  { weight: 1, arbitrary: fc.string({ maxLength: 30 }) },
);
const contentTypeName = fc.constantFrom(
  "Content-Type",
  "content-type",
  "CONTENT-TYPE",
  "Content-type",
);
const otherHeaders = fc.dictionary(
  fc
    .oneof(
      fc.constantFrom(
        "Accept",
        "Authorization",
        "X-Forwarded-For",
        "Content-Length",
        "Host",
        "User-Agent",
      ),
      fc.stringMatching(/^[A-Za-z][A-Za-z0-9-]{0,20}$/),
    )
    .filter((name) => !/^content-type$/i.test(name)),
  fc.string({ maxLength: 40 }),
  { maxKeys: 4 },
);

const rating = fc.oneof(
  fc.double({ min: 0, max: 100, noNaN: true }),
  fc.integer({ min: 0, max: 100 }),
  fc.constantFrom(0, 100, -0, 0.5, 99.99, 5e-324, 1e-131, 1e-130, Number.EPSILON),
);
/** Stands for the JSON number 1e400, which parses to Infinity (no JS literal can hold it). */
const OVERFLOW = "<1e400>";
const wrongValue = fc.oneof(
  fc.double({ noDefaultInfinity: true }).filter((x) => x < 0 || x > 100),
  fc.constantFrom("98", null, true, [], {}, -1, 100.0001, OVERFLOW),
  fc.string({ maxLength: 5 }),
);

/** A body as text: valid updates, broken ones, any JSON, no JSON, nested, huge, prototype keys. */
function bodyFor(movieId: string | undefined): fc.Arbitrary<string | undefined> {
  const ratings = fc.record(
    { rotten_tomatoes_rating: rating, imdb_rating: rating },
    { requiredKeys: [] },
  );
  const valid = fc
    .tuple(ratings, fc.boolean())
    .map(([r, withId]) => JSON.stringify({ ...(withId ? { movie_id: movieId } : {}), ...r }));
  const broken = fc
    .record(
      {
        movie_id: fc.oneof(fc.constant(movieId ?? "x"), fc.string({ maxLength: 8 }), wrongValue),
        rotten_tomatoes_rating: fc.oneof(rating, wrongValue),
        imdb_rating: fc.oneof(rating, wrongValue),
        genre: fc.string({ maxLength: 5 }),
      },
      { requiredKeys: [] },
    )
    .map((o) => JSON.stringify(o).replaceAll(`"${OVERFLOW}"`, "1e400"));
  const nested = fc
    .tuple(fc.integer({ min: 1, max: 8000 }), fc.constantFrom("[", '{"a":'))
    .map(([depth, open]) => `${open.repeat(depth)}1${(open === "[" ? "]" : "}").repeat(depth)}`);
  const huge = fc
    .tuple(fc.integer({ min: -8, max: 8 }), fc.constantFrom("x", "é", "😀"))
    .map(([delta, char]) => {
      const head = `{"imdb_rating": 5, "pad": "`;
      const target = BODY_LIMIT + delta - head.length - 2;
      const unit = Buffer.byteLength(char);
      return `${head}${char.repeat(Math.max(0, Math.floor(target / unit)))}${"x".repeat(Math.max(0, target % unit))}"}`;
    });
  return fc.oneof(
    { weight: 5, arbitrary: valid },
    { weight: 4, arbitrary: broken },
    { weight: 2, arbitrary: fc.json({ maxDepth: 3 }) },
    { weight: 2, arbitrary: fc.string({ maxLength: 40 }) },
    { weight: 1, arbitrary: nested },
    { weight: 2, arbitrary: huge },
    {
      weight: 1,
      arbitrary: fc.constantFrom(
        '{"__proto__": {"imdb_rating": 5}, "imdb_rating": 5}',
        '{"constructor": {"prototype": {"x": 1}}, "imdb_rating": 5}',
        '{"imdb_rating": 5, "imdb_rating": 500}',
        '{"imdb_rating": 5, "imd\\u0062_rating": 5}',
        '{"imdb_rating": null}',
        '{"rotten_tomatoes_rating": null, "imdb_rating": 7}',
        '{"imdb_rating": 1e400}',
        '{"imdb_rating": -0}',
        "null",
        '"text"',
        "[]",
        "",
        " ",
      ),
    },
    { weight: 1, arbitrary: fc.constant(undefined) },
  );
}

interface PatchRequest {
  readonly movieId: string | undefined;
  readonly headers: Record<string, string>;
  readonly body: string | undefined;
  readonly base64: boolean;
}

const patchRequest: fc.Arbitrary<PatchRequest> = pathId.chain((movieId) =>
  fc
    .record({
      contentType: fc.option(fc.tuple(contentTypeName, contentTypeValue), {
        nil: undefined,
        freq: 6,
      }),
      other: otherHeaders,
      body: bodyFor(movieId),
      base64: fc.boolean(),
    })
    .map(({ contentType, other, body, base64 }) => ({
      movieId,
      headers: { ...other, ...(contentType ? { [contentType[0]]: contentType[1] } : {}) },
      body: base64 && body !== undefined ? Buffer.from(body, "utf8").toString("base64") : body,
      base64: base64 && body !== undefined,
    })),
);

// --- invoking the handlers ------------------------------------------------------------------------

function event(
  method: "GET" | "PATCH",
  request: {
    readonly movieId: string | undefined;
    readonly headers: Record<string, string>;
    readonly body?: string | undefined;
    readonly base64?: boolean;
  },
): APIGatewayProxyEvent {
  const built = apiGatewayProxyEvent({
    method,
    path: `/movies/${encodeURIComponent(request.movieId ?? "")}`,
    resource: "/movies/{movie_id}",
    pathParameters: request.movieId === undefined ? {} : { movie_id: request.movieId },
    headers: request.headers,
    body: undefined,
  });
  return {
    ...built,
    pathParameters: request.movieId === undefined ? null : built.pathParameters,
    body: request.body ?? null,
    isBase64Encoded: request.base64 ?? false,
  };
}

const STACK_OR_SDK =
  /\n\s+at |\bat .+:\d+:\d+|Exception|ElectroDB|electrodb|DynamoDB|dynamodb|ECONN|socket|arn:aws|amazonaws|not authorized|__type|\$metadata/;

/** What holds for every response, whatever was asked. */
function expectWellFormed(
  operation: "get" | "patch",
  response: APIGatewayProxyResult,
): Record<string, unknown> {
  cases.byStatus[response.statusCode] = (cases.byStatus[response.statusCode] ?? 0) + 1;
  expect(response.statusCode, response.body).toBeLessThan(500);
  expect(openApiViolations(operation, "/movies/{movie_id}", response)).toEqual([]);
  const body = JSON.parse(response.body) as Record<string, unknown>;
  if (response.statusCode === 200) {
    expect(response.headers?.["Content-Type"]).toBe("application/json");
  } else {
    expect(response.headers?.["Content-Type"]).toBe("application/problem+json");
    expect(body).toMatchObject({ status: response.statusCode, title: expect.any(String) });
    expect(response.body).not.toMatch(STACK_OR_SDK);
  }
  return body;
}

describe("HTTP fuzzing: every answer is the spec's", () => {
  test("PATCH /movies/{movie_id}: random bodies, content types, headers and ids", async () => {
    await fc.assert(
      fc.asyncProperty(patchRequest, async (request) => {
        cases.patch++;
        const response = await updateMovieRating(
          event("PATCH", request),
          lambdaContext("update-movie-rating", 10_000),
        );
        const body = expectWellFormed("patch", response);
        const expected = expectedPatch(request);
        expect({ status: response.statusCode, type: body["type"] }).toEqual({
          status: expected.status,
          type: expected.type,
        });
        if (response.statusCode === 200) {
          const sent = JSON.parse(
            request.base64
              ? Buffer.from(request.body ?? "", "base64").toString()
              : (request.body ?? ""),
          ) as Record<string, number>;
          for (const field of RATING_FIELDS) {
            if (field in sent) expect(body[field]).toBe(sent[field] === 0 ? 0 : sent[field]);
          }
          expect(body["movie_id"]).toBe(request.movieId);
        }
      }),
      { numRuns: 700 },
    );
  });

  test("GET /movies/{movie_id}: random ids, headers, queries and stray bodies", async () => {
    await fc.assert(
      fc.asyncProperty(
        pathId,
        otherHeaders,
        fc.option(fc.string({ maxLength: 50 }), { nil: undefined }),
        async (movieId, headers, body) => {
          cases.get++;
          const response = await getMovie(
            event("GET", { movieId, headers, ...(body !== undefined && { body }) }),
            lambdaContext("get-movie", 10_000),
          );
          const json = expectWellFormed("get", response);
          const expected = !isValidId(movieId) ? 400 : EXISTING.includes(movieId) ? 200 : 404;
          expect(response.statusCode).toBe(expected);
          if (expected === 200) expect(json["movie_id"]).toBe(movieId);
        },
      ),
      { numRuns: 300 },
    );
  });
});

describe("a store that fails in every way (FAULT INJECTION): a generic 500, nothing leaked", () => {
  test("errors, garbage and resets from DynamoDB never reach the caller", async () => {
    const proxy = await startDynamoDbFaultProxy(inject("dynamoDbEndpoint"));
    try {
      const brokenDeps = coldStart(handlerEnv({ tableName, dynamoEndpoint: proxy.endpoint }));
      const brokenGet = makeGetMovieHandler(brokenDeps);
      const brokenPatch = makeUpdateMovieRatingHandler(brokenDeps);
      const faults: readonly RequestFault[] = [
        {
          kind: "error",
          status: 400,
          type: "AccessDeniedException",
          message:
            "User: arn:aws:sts::000000000000:assumed-role/movies-get-movie/x is not authorized to perform: dynamodb:Query",
        },
        {
          kind: "error",
          status: 400,
          type: "ResourceNotFoundException",
          message: "Requested resource not found",
        },
        {
          kind: "error",
          status: 400,
          type: "ValidationException",
          message: "One or more parameter values were invalid",
        },
        { kind: "garbage" },
        { kind: "reset-before" },
        { kind: "internal-error" },
      ];
      // The rating repository retries what is retryable (resets, 500s) for seconds; those are
      // tried on GET, which gives up sooner, and the final answer is the same generic 500.
      const retryable = new Set<RequestFault["kind"]>(["reset-before", "internal-error"]);
      for (const fault of faults) {
        proxy.setRules({ request: () => fault });
        const answers: Array<Promise<readonly ["get" | "patch", APIGatewayProxyResult, Context]>> =
          [
            (async () => {
              const context = lambdaContext("get-movie", 10_000);
              const request = { movieId: "mv1", headers: {} };
              return ["get", await brokenGet(event("GET", request), context), context] as const;
            })(),
          ];
        if (!retryable.has(fault.kind)) {
          answers.push(
            (async () => {
              const context = lambdaContext("update-movie-rating", 10_000);
              const request = {
                movieId: "mv1",
                headers: { "Content-Type": "application/json" },
                body: '{"imdb_rating": 5}',
              };
              return [
                "patch",
                await brokenPatch(event("PATCH", request), context),
                context,
              ] as const;
            })(),
          );
        }
        for (const [operation, response, context] of await Promise.all(answers)) {
          cases.brokenStore++;
          expect(response.statusCode, `${fault.kind} on ${operation}`).toBe(500);
          expect(openApiViolations(operation, "/movies/{movie_id}", response)).toEqual([]);
          expect(JSON.parse(response.body)).toEqual({
            type: "urn:movies:problem:internal-error",
            title: "Internal error",
            status: 500,
            detail: `The request could not be completed. Quote request id ${context.awsRequestId} when reporting it.`,
            request_id: context.awsRequestId,
          });
          expect(response.body).not.toMatch(STACK_OR_SDK);
        }
      }
    } finally {
      await proxy.close();
    }
  });
});

/**
 * How deep arrays and objects nest in a parsed JSON value (a scalar is 0 deep). Iterative: the
 * fuzzer nests thousands of levels, past the call stack.
 */
function depthOf(value: unknown): number {
  let deepest = 0;
  const pending: [unknown, number][] = [[value, 0]];
  for (let next = pending.pop(); next !== undefined; next = pending.pop()) {
    const [node, depth] = next;
    if (typeof node !== "object" || node === null) continue;
    deepest = Math.max(deepest, depth + 1);
    for (const child of Object.values(node)) pending.push([child, depth + 1]);
  }
  return deepest;
}
