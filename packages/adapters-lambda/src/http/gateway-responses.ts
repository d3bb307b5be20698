/**
 * The errors API Gateway answers by itself (no function runs: unknown route or method, missing or
 * bad signature, throttling, an integration that fails or times out, ...) as RFC 9457 problems.
 * One table for both stacks: the Terraform module turns each entry into an
 * aws_api_gateway_gateway_response whose body is `gatewayProblemBody(entry, "$context.requestId")`,
 * and the local gateway answers the same situations with the same bodies.
 *
 * Every response type API Gateway has is listed with its own status: a status set on DEFAULT_4XX
 * or DEFAULT_5XX would otherwise replace the status of each type left out.
 */
import { type Problem, TYPE_PREFIX } from "./problem.ts";

export type GatewayResponseType =
  | "DEFAULT_4XX"
  | "DEFAULT_5XX"
  | "ACCESS_DENIED"
  | "API_CONFIGURATION_ERROR"
  | "AUTHORIZER_CONFIGURATION_ERROR"
  | "AUTHORIZER_FAILURE"
  | "BAD_REQUEST_BODY"
  | "BAD_REQUEST_PARAMETERS"
  | "EXPIRED_TOKEN"
  | "INTEGRATION_FAILURE"
  | "INTEGRATION_TIMEOUT"
  | "INVALID_API_KEY"
  | "INVALID_SIGNATURE"
  | "MISSING_AUTHENTICATION_TOKEN"
  | "QUOTA_EXCEEDED"
  | "REQUEST_TOO_LARGE"
  | "RESOURCE_NOT_FOUND"
  | "THROTTLED"
  | "UNAUTHORIZED"
  | "UNSUPPORTED_MEDIA_TYPE"
  | "WAF_FILTERED";

export interface GatewayResponse {
  readonly responseType: GatewayResponseType;
  readonly status: number;
  readonly title: string;
  /** The problem's type URI. */
  readonly type: string;
  /** What happened, for the caller; `{requestId}` is replaced by the request id. */
  readonly detail: string;
}

const QUOTE_REQUEST_ID = "Quote request id {requestId} when reporting it.";
const INTERNAL: Omit<GatewayResponse, "responseType"> = {
  status: 500,
  title: "Internal error",
  type: `${TYPE_PREFIX}internal-error`,
  detail: `The request could not be completed. ${QUOTE_REQUEST_ID}`,
};

export const GATEWAY_RESPONSES: readonly GatewayResponse[] = [
  {
    responseType: "DEFAULT_4XX",
    status: 400,
    title: "Bad request",
    type: `${TYPE_PREFIX}bad-request`,
    detail: "The API refused the request.",
  },
  { responseType: "DEFAULT_5XX", ...INTERNAL },
  { responseType: "API_CONFIGURATION_ERROR", ...INTERNAL },
  { responseType: "AUTHORIZER_CONFIGURATION_ERROR", ...INTERNAL },
  { responseType: "AUTHORIZER_FAILURE", ...INTERNAL },
  {
    responseType: "MISSING_AUTHENTICATION_TOKEN",
    status: 403,
    title: "Unknown route or missing signature",
    type: `${TYPE_PREFIX}unknown-route-or-unsigned`,
    detail:
      "There is no such route and method, or the route needs a request signed with AWS Signature Version 4.",
  },
  {
    responseType: "ACCESS_DENIED",
    status: 403,
    title: "Access denied",
    type: `${TYPE_PREFIX}access-denied`,
    detail: "The caller may not call this route: it needs execute-api:Invoke on it.",
  },
  {
    responseType: "INVALID_SIGNATURE",
    status: 403,
    title: "Invalid signature",
    type: `${TYPE_PREFIX}invalid-signature`,
    detail:
      "The request signature does not match: check the credentials, the region, the service execute-api and the signed headers.",
  },
  {
    responseType: "EXPIRED_TOKEN",
    status: 403,
    title: "Expired credentials",
    type: `${TYPE_PREFIX}expired-token`,
    detail: "The request is signed with expired credentials: refresh them and sign it again.",
  },
  {
    responseType: "INVALID_API_KEY",
    status: 403,
    title: "Invalid API key",
    type: `${TYPE_PREFIX}invalid-api-key`,
    detail: "The API key sent is not valid for this API.",
  },
  {
    responseType: "WAF_FILTERED",
    status: 403,
    title: "Request blocked",
    type: `${TYPE_PREFIX}request-blocked`,
    detail: "A firewall rule blocked the request.",
  },
  {
    responseType: "UNAUTHORIZED",
    status: 401,
    title: "Unauthorized",
    type: `${TYPE_PREFIX}unauthorized`,
    detail: "The request lacks valid credentials for this route.",
  },
  {
    responseType: "RESOURCE_NOT_FOUND",
    status: 404,
    title: "Not found",
    type: `${TYPE_PREFIX}not-found`,
    detail: "There is no such resource.",
  },
  {
    responseType: "BAD_REQUEST_BODY",
    status: 400,
    title: "Invalid request body",
    type: `${TYPE_PREFIX}bad-request-body`,
    detail: "The request body does not match what the route expects.",
  },
  {
    responseType: "BAD_REQUEST_PARAMETERS",
    status: 400,
    title: "Invalid request parameters",
    type: `${TYPE_PREFIX}bad-request-parameters`,
    detail: "A required request parameter is missing or invalid.",
  },
  {
    responseType: "REQUEST_TOO_LARGE",
    status: 413,
    title: "Request too large",
    type: `${TYPE_PREFIX}request-too-large`,
    detail: "The request is larger than the API accepts (10 MB).",
  },
  {
    responseType: "UNSUPPORTED_MEDIA_TYPE",
    status: 415,
    title: "Unsupported media type",
    type: `${TYPE_PREFIX}unsupported-media-type`,
    detail: "The request body must be JSON, sent with Content-Type: application/json.",
  },
  {
    responseType: "THROTTLED",
    status: 429,
    title: "Too many requests",
    type: `${TYPE_PREFIX}throttled`,
    detail: "The request rate of the API is exceeded: retry after a short wait.",
  },
  {
    responseType: "QUOTA_EXCEEDED",
    status: 429,
    title: "Quota exceeded",
    type: `${TYPE_PREFIX}quota-exceeded`,
    detail: "The usage quota of the API key is exhausted.",
  },
  {
    responseType: "INTEGRATION_FAILURE",
    status: 504,
    title: "Function unavailable",
    type: `${TYPE_PREFIX}integration-failure`,
    detail: `The function behind this route could not answer. ${QUOTE_REQUEST_ID}`,
  },
  {
    responseType: "INTEGRATION_TIMEOUT",
    status: 504,
    title: "Function timed out",
    type: `${TYPE_PREFIX}integration-timeout`,
    detail: `The function behind this route did not answer in time. ${QUOTE_REQUEST_ID}`,
  },
];

/** The problem API Gateway answers for one entry of the table. */
export function gatewayProblem(entry: GatewayResponse, requestId: string): Problem {
  return {
    type: entry.type,
    title: entry.title,
    status: entry.status,
    detail: entry.detail.replaceAll("{requestId}", requestId),
    request_id: requestId,
  };
}

/** The body of that problem, as API Gateway sends it (and its mapping template, with `$context.requestId`). */
export function gatewayProblemBody(entry: GatewayResponse, requestId: string): string {
  return JSON.stringify(gatewayProblem(entry, requestId));
}

/** The entry of one response type. */
export function gatewayResponse(responseType: GatewayResponseType): GatewayResponse {
  const entry = GATEWAY_RESPONSES.find((r) => r.responseType === responseType);
  if (!entry) {
    throw new Error(`no gateway response ${responseType}`);
  }
  return entry;
}
