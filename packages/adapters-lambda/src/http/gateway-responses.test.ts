import { describe, expect, it } from "vitest";
import {
  GATEWAY_RESPONSES,
  gatewayProblem,
  gatewayProblemBody,
  gatewayResponse,
} from "./gateway-responses.ts";
import { TYPE_PREFIX } from "./problem.ts";

const TEMPLATE_REQUEST_ID = "$context.requestId";

describe("API Gateway's own errors as problems", () => {
  it("lists each response type once, with a client or server error status", () => {
    const types = GATEWAY_RESPONSES.map((r) => r.responseType);
    expect(new Set(types).size).toBe(types.length);
    for (const entry of GATEWAY_RESPONSES) {
      expect(entry.status, entry.responseType).toBeGreaterThanOrEqual(400);
      expect(entry.status, entry.responseType).toBeLessThan(600);
      expect(entry.type.startsWith(TYPE_PREFIX), entry.responseType).toBe(true);
    }
  });

  it("gives every entry the name Terraform knows it by, a type, a title and a sentence of detail", () => {
    for (const entry of GATEWAY_RESPONSES) {
      expect(entry.responseType).toMatch(/^[A-Z]+(_[A-Z0-9]+)*$/);
      expect(entry.type.length, entry.responseType).toBeGreaterThan(TYPE_PREFIX.length);
      expect(entry.title, entry.responseType).toMatch(/^[A-Z][a-z]/);
      expect(entry.detail, entry.responseType).toMatch(/^[A-Z].* .*\.$/);
    }
  });

  it("has no entry for a response type API Gateway does not have", () => {
    expect(() => gatewayResponse("NO_SUCH_TYPE" as "THROTTLED")).toThrow(
      "no gateway response NO_SUCH_TYPE",
    );
  });

  it("answers an unknown route or an unsigned PATCH with a 403 problem naming both causes", () => {
    const problem = gatewayProblem(gatewayResponse("MISSING_AUTHENTICATION_TOKEN"), "req-1");
    expect(problem).toMatchObject({ status: 403, request_id: "req-1" });
    expect(problem.detail).toMatch(/no such route and method/);
    expect(problem.detail).toMatch(/Signature Version 4/);
  });

  it("keeps a 5xx generic: the request id to quote, no cause", () => {
    for (const entry of GATEWAY_RESPONSES.filter((r) => r.status >= 500)) {
      const problem = gatewayProblem(entry, "req-5");
      expect(problem.detail, entry.responseType).toContain("Quote request id req-5");
      expect(problem.request_id).toBe("req-5");
    }
    expect(gatewayProblem(gatewayResponse("INTEGRATION_TIMEOUT"), "r").status).toBe(504);
    expect(gatewayProblem(gatewayResponse("THROTTLED"), "r").status).toBe(429);
  });

  it("renders a mapping template that API Gateway turns into the same JSON body", () => {
    for (const entry of GATEWAY_RESPONSES) {
      const template = gatewayProblemBody(entry, TEMPLATE_REQUEST_ID);
      // Velocity reads `$` and `#`, and a backslash escapes: only the request id may use them.
      expect(template.replaceAll(TEMPLATE_REQUEST_ID, ""), entry.responseType).not.toMatch(
        /[$#\\]/,
      );
      const substituted = template.replaceAll(TEMPLATE_REQUEST_ID, "c0ffee-42");
      expect(JSON.parse(substituted), entry.responseType).toEqual(
        gatewayProblem(entry, "c0ffee-42"),
      );
      expect(JSON.parse(gatewayProblemBody(entry, "abc"))).toEqual({
        type: entry.type,
        title: entry.title,
        status: entry.status,
        detail: entry.detail.replaceAll("{requestId}", "abc"),
        request_id: "abc",
      });
    }
  });
});
