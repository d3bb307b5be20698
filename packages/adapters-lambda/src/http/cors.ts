/**
 * Which browser pages may call the API from another origin, and the headers that say so. One
 * policy for every party that answers: the functions (on their responses), the local gateway
 * (preflights and its own errors) and the Terraform module (API Gateway's preflight and errors
 * are built from these values). No allowed origin (the default) means no CORS header at all.
 */
import type middy from "@middy/core";
import type { APIGatewayProxyEvent, APIGatewayProxyResult } from "aws-lambda";

/**
 * An origin as a browser sends it: `http` or `https`, a lower-case host, a port only when it is
 * not the scheme's default, no path. Also the Terraform variable's validation (RE2 syntax).
 */
export const ORIGIN_PATTERN = "^https?://[a-z0-9]([a-z0-9.-]*[a-z0-9])?(:[0-9]{1,5})?$";
const ORIGIN = new RegExp(ORIGIN_PATTERN);

/** Request headers a cross-origin caller may send: JSON bodies, conditional requests, SigV4. */
export const CORS_ALLOWED_HEADERS = [
  "Content-Type",
  "If-Match",
  "If-None-Match",
  "Authorization",
  "X-Amz-Date",
  "X-Amz-Security-Token",
  "X-Amz-Content-Sha256",
] as const;

/** Response headers a cross-origin page may read beyond the safelisted ones. */
export const CORS_EXPOSED_HEADERS = ["ETag"] as const;

/** How long a browser may reuse a preflight's answer. */
export const CORS_MAX_AGE_SECONDS = 600;

/** Whether a configured value is an origin a browser could send (see ORIGIN_PATTERN). */
export function isOrigin(value: string): boolean {
  if (!ORIGIN.test(value)) return false;
  const url = new URL(value);
  // `https://a.example:443` is never sent: the browser leaves a default port out.
  return url.origin === value;
}

/** A comma-separated list of origins; every value that is not one is named. */
export function parseOrigins(value: string | undefined): {
  readonly origins: readonly string[];
  readonly invalid: readonly string[];
} {
  const listed = (value ?? "")
    .split(",")
    .map((origin) => origin.trim())
    .filter((origin) => origin !== "");
  return {
    origins: [...new Set(listed.filter(isOrigin))],
    invalid: listed.filter((origin) => !isOrigin(origin)),
  };
}

export type Headers = Record<string, string>;

function requestOrigin(headers: Readonly<Record<string, string | undefined>>): string | undefined {
  const key = Object.keys(headers).find((name) => name.toLowerCase() === "origin");
  return key === undefined ? undefined : headers[key];
}

export interface CorsPolicy {
  /** The headers of an actual response to a request with these headers. */
  responseHeaders(request: Readonly<Record<string, string | undefined>>): Headers;
  /** The headers of a preflight's answer, for a path whose routes take these methods. */
  preflightHeaders(
    request: Readonly<Record<string, string | undefined>>,
    methods: readonly string[],
  ): Headers;
}

/**
 * The policy for these allowed origins. Every response varies by Origin once any origin is
 * allowed, so that a cache never hands one origin's answer to another; an origin not allowed
 * gets no CORS header.
 */
export function corsPolicy(allowedOrigins: readonly string[]): CorsPolicy {
  const allowed = new Set(allowedOrigins);
  const vary: Headers = allowed.size > 0 ? { Vary: "Origin" } : {};
  const allowedOrigin = (request: Readonly<Record<string, string | undefined>>) => {
    const origin = requestOrigin(request);
    return origin !== undefined && allowed.has(origin) ? origin : undefined;
  };
  return {
    responseHeaders(request) {
      const origin = allowedOrigin(request);
      if (origin === undefined) return { ...vary };
      return {
        ...vary,
        "Access-Control-Allow-Origin": origin,
        "Access-Control-Expose-Headers": CORS_EXPOSED_HEADERS.join(", "),
      };
    },
    preflightHeaders(request, methods) {
      const origin = allowedOrigin(request);
      if (origin === undefined) return { ...vary };
      return {
        ...vary,
        "Access-Control-Allow-Origin": origin,
        "Access-Control-Allow-Methods": methods.join(", "),
        "Access-Control-Allow-Headers": CORS_ALLOWED_HEADERS.join(", "),
        "Access-Control-Max-Age": String(CORS_MAX_AGE_SECONDS),
      };
    },
  };
}

/** Adds `extra` to a response's headers; a Vary the response has already is extended. */
export function withHeaders(
  response: APIGatewayProxyResult,
  extra: Headers,
): APIGatewayProxyResult {
  const headers = { ...response.headers };
  for (const [name, value] of Object.entries(extra)) {
    const existing = headers[name];
    headers[name] = name === "Vary" && existing !== undefined ? `${existing}, ${value}` : value;
  }
  return { ...response, headers };
}

/**
 * The functions' CORS headers, on every response, refusals included. Registered before
 * @middy/http-error-handler so that it runs after it and sees the rendered problem too.
 * (@middy/http-cors sends Access-Control-Expose-Headers to any origin and Vary only to allowed
 * ones, so it cannot keep a refused origin free of CORS headers.)
 */
export function httpCors(
  allowedOrigins: readonly string[],
): middy.MiddlewareObj<APIGatewayProxyEvent, APIGatewayProxyResult> {
  const policy = corsPolicy(allowedOrigins);
  const add = (request: middy.Request<APIGatewayProxyEvent, APIGatewayProxyResult>) => {
    if (request.response === undefined || request.response === null) return;
    request.response = withHeaders(
      request.response,
      policy.responseHeaders(request.event.headers ?? {}),
    );
  };
  return { after: add, onError: add };
}
