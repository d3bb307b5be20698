import { randomUUID } from "node:crypto";
import type { APIGatewayProxyEvent } from "aws-lambda";

export interface HttpRequest {
  readonly method: string;
  /** The request path without the query string, e.g. `/movies/mv1`. */
  readonly path: string;
  /** The matched route's resource, e.g. `/movies/{movie_id}`. */
  readonly resource: string;
  readonly pathParameters: Readonly<Record<string, string>>;
  readonly headers: Readonly<Record<string, string>>;
  readonly query?: URLSearchParams;
  readonly body: Buffer | undefined;
  readonly sourceIp?: string;
}

/** Text bodies travel as they are; anything else base64-encoded, as API Gateway does. */
function isTextual(contentType: string | undefined): boolean {
  return contentType === undefined || /^(text\/|application\/([\w.+-]*\+)?json)/i.test(contentType);
}

/**
 * The API Gateway REST (v1) Lambda proxy event for a request, so the local stack runs the
 * deployed handlers unchanged. Header names keep their case, as API Gateway passes them.
 */
export function apiGatewayProxyEvent(request: HttpRequest): APIGatewayProxyEvent {
  const headers = { ...request.headers };
  const contentType = Object.entries(headers).find(([name]) => /^content-type$/i.test(name))?.[1];
  const base64 = request.body !== undefined && !isTextual(contentType);
  const query = request.query && [...request.query.keys()].length > 0 ? request.query : undefined;
  const now = new Date();
  return {
    resource: request.resource,
    path: request.path,
    httpMethod: request.method,
    headers,
    multiValueHeaders: Object.fromEntries(Object.entries(headers).map(([k, v]) => [k, [v]])),
    queryStringParameters: query ? Object.fromEntries(query) : null,
    multiValueQueryStringParameters: query
      ? Object.fromEntries([...new Set(query.keys())].map((k) => [k, query.getAll(k)]))
      : null,
    pathParameters: { ...request.pathParameters },
    stageVariables: null,
    body: request.body === undefined ? null : request.body.toString(base64 ? "base64" : "utf8"),
    isBase64Encoded: base64,
    requestContext: {
      accountId: "000000000000",
      apiId: "local",
      authorizer: null,
      protocol: "HTTP/1.1",
      httpMethod: request.method,
      identity: {
        accessKey: null,
        accountId: null,
        apiKey: null,
        apiKeyId: null,
        caller: null,
        clientCert: null,
        cognitoAuthenticationProvider: null,
        cognitoAuthenticationType: null,
        cognitoIdentityId: null,
        cognitoIdentityPoolId: null,
        principalOrgId: null,
        sourceIp: request.sourceIp ?? "127.0.0.1",
        user: null,
        userAgent: headers["user-agent"] ?? headers["User-Agent"] ?? null,
        userArn: null,
      },
      path: `/local${request.path}`,
      stage: "local",
      requestId: randomUUID(),
      requestTimeEpoch: now.getTime(),
      resourceId: "local",
      resourcePath: request.resource,
    },
  };
}
