import { apiGatewayProxyEvent } from "@movies/local-aws";
import type { APIGatewayProxyEvent } from "aws-lambda";

/** The proxy event API Gateway sends for a method on `/movies/{movie_id}`. */
export function movieRouteEvent(
  method: "GET" | "HEAD" | "PATCH" | "DELETE",
  movieId: string,
  request: { readonly headers?: Record<string, string>; readonly body?: string } = {},
): APIGatewayProxyEvent {
  return apiGatewayProxyEvent({
    method,
    path: `/movies/${encodeURIComponent(movieId)}`,
    resource: "/movies/{movie_id}",
    pathParameters: { movie_id: movieId },
    headers: request.headers ?? {},
    body: request.body === undefined ? undefined : Buffer.from(request.body),
  });
}

/** The proxy event API Gateway sends for `GET` or `HEAD /movies`, with its query. */
export function listEvent(
  query: Record<string, string> = {},
  method: "GET" | "HEAD" = "GET",
): APIGatewayProxyEvent {
  return apiGatewayProxyEvent({
    method,
    path: "/movies",
    resource: "/movies",
    pathParameters: {},
    headers: {},
    query: new URLSearchParams(query),
    body: undefined,
  });
}
