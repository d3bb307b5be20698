import { corsPolicy, gatewayProblem, gatewayResponse } from "@movies/adapters-lambda";
import { FUNCTIONS, type HttpRoute, routeMethods } from "@movies/adapters-lambda/wiring";
import { lambdaContext } from "@movies/local-aws";
import type { APIGatewayProxyEvent } from "aws-lambda";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { type GatewayRoute, type ProxyHandler, startHttpGateway } from "./http-gateway.ts";

/*
 * The gateway on its own, over real HTTP. Its routes are the wiring's; the handler behind them
 * only echoes the event it gets, because what is tested is what the gateway answers by itself
 * and what it hands on (the real handlers run behind it in the end-to-end test).
 */
const seen: APIGatewayProxyEvent[] = [];
let gateway: Awaited<ReturnType<typeof startHttpGateway>>;

/** The wiring's routes, every one handled by `handler`. */
function wiringRoutes(handler: ProxyHandler): GatewayRoute[] {
  return FUNCTIONS.flatMap((f) =>
    f.trigger.kind === "http"
      ? [{ route: f.trigger as HttpRoute, functionName: f.name, handler }]
      : [],
  );
}

beforeAll(async () => {
  gateway = await startHttpGateway({
    port: 0,
    routes: wiringRoutes(async (event: APIGatewayProxyEvent) => {
      seen.push(event);
      return { statusCode: 200, body: JSON.stringify(event.pathParameters) };
    }),
    context: (name) => lambdaContext(name, 1000),
  });
});

afterAll(() => gateway?.stop());

async function problemOf(response: Response) {
  expect(response.headers.get("content-type")).toBe("application/problem+json");
  const body = (await response.json()) as Record<string, unknown>;
  expect(body).toMatchObject({ type: expect.any(String), title: expect.any(String) });
  expect(body["status"]).toBe(response.status);
  expect(body["detail"]).toEqual(expect.any(String));
  return body;
}

describe("the local gateway's own answers", () => {
  test("a malformed percent-encoding in the path is the client's mistake: 400, not 5xx", async () => {
    const before = seen.length;
    const response = await fetch(`${gateway.url}/movies/%E0%A4%A`);
    expect(response.status).toBe(400);
    expect((await problemOf(response))["detail"]).toMatch(/percent-encoding/);
    expect(seen.length).toBe(before);
  });

  test("a well-formed encoding reaches the handler decoded", async () => {
    const response = await fetch(`${gateway.url}/movies/caf%C3%A9%20au%2Flait`);
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ movie_id: "café au/lait" });
  });

  test("an unknown route or method gets the deployed API Gateway's own problem", async () => {
    const expected = gatewayResponse("MISSING_AUTHENTICATION_TOKEN");
    for (const [path, method] of [
      ["/nothing/here", "GET"],
      ["/movies/mv1", "POST"],
    ] as const) {
      const response = await fetch(`${gateway.url}${path}`, { method });
      expect(response.status).toBe(expected.status);
      const problem = await problemOf(response);
      expect(problem).toEqual(gatewayProblem(expected, String(problem["request_id"])));
    }
  });
});

describe("CORS at the local gateway", () => {
  const APP = "http://app.test:5173";
  let withCors: Awaited<ReturnType<typeof startHttpGateway>>;

  beforeAll(async () => {
    withCors = await startHttpGateway({
      port: 0,
      routes: wiringRoutes(async () => ({ statusCode: 200, body: "{}" })),
      context: (name) => lambdaContext(name, 1000),
      cors: corsPolicy([APP]),
    });
  });

  afterAll(() => withCors?.stop());

  const preflight = (url: string, origin: string) =>
    fetch(`${url}/movies/mv1`, {
      method: "OPTIONS",
      headers: {
        Origin: origin,
        "Access-Control-Request-Method": "PATCH",
        "Access-Control-Request-Headers": "content-type",
      },
    });

  test("the preflight of an allowed origin names the path's methods and headers", async () => {
    const response = await preflight(withCors.url, APP);
    expect(response.status).toBe(204);
    const methods = FUNCTIONS.flatMap((f) =>
      f.trigger.kind === "http" && f.trigger.path === "/movies/{movie_id}"
        ? routeMethods(f.trigger)
        : [],
    );
    expect(Object.fromEntries(response.headers)).toMatchObject({
      "access-control-allow-origin": APP,
      "access-control-allow-methods": methods.join(", "),
      "access-control-allow-headers": expect.stringContaining("If-Match"),
      "access-control-max-age": "600",
      vary: "Origin",
    });
  });

  test("an origin not allowed gets no CORS header, preflight or not", async () => {
    const response = await preflight(withCors.url, "http://elsewhere.test");
    expect(response.status).toBe(204);
    const unknown = await fetch(`${withCors.url}/nowhere`, {
      headers: { Origin: "http://elsewhere.test" },
    });
    for (const answer of [response, unknown]) {
      expect([...answer.headers.keys()].filter((h) => h.startsWith("access-control-"))).toEqual([]);
      expect(answer.headers.get("vary")).toBe("Origin");
    }
  });

  test("the gateway's own problems carry the allowed origin, so a page can read them", async () => {
    const response = await fetch(`${withCors.url}/movies/mv1`, {
      method: "POST",
      headers: { Origin: APP },
    });
    expect(response.status).toBe(403);
    expect(response.headers.get("access-control-allow-origin")).toBe(APP);
    await problemOf(response);
  });

  test("without allowed origins a preflight grants nothing", async () => {
    const response = await preflight(gateway.url, APP);
    expect(response.status).toBe(204);
    expect([...response.headers.keys()].filter((h) => /^(access-control-|vary)/.test(h))).toEqual(
      [],
    );
  });
});
