import { gatewayProblem, gatewayResponse } from "@movies/adapters-lambda";
import { FUNCTIONS, type HttpRoute } from "@movies/adapters-lambda/wiring";
import { lambdaContext } from "@movies/local-aws";
import type { APIGatewayProxyEvent } from "aws-lambda";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { startHttpGateway } from "./http-gateway.ts";

/*
 * The gateway on its own, over real HTTP. Its routes are the wiring's; the handler behind them
 * only echoes the event it gets, because what is tested is what the gateway answers by itself
 * and what it hands on (the real handlers run behind it in the end-to-end test).
 */
const seen: APIGatewayProxyEvent[] = [];
let gateway: Awaited<ReturnType<typeof startHttpGateway>>;

beforeAll(async () => {
  gateway = await startHttpGateway({
    port: 0,
    routes: FUNCTIONS.flatMap((f) =>
      f.trigger.kind === "http"
        ? [
            {
              route: f.trigger as HttpRoute,
              functionName: f.name,
              handler: async (event: APIGatewayProxyEvent) => {
                seen.push(event);
                return { statusCode: 200, body: JSON.stringify(event.pathParameters) };
              },
            },
          ]
        : [],
    ),
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
