import { apiGatewayProxyEvent } from "@movies/local-aws";
import type { APIGatewayProxyEvent } from "aws-lambda";

/** The proxy event API Gateway sends for `GET` or `PATCH /movies/{movie_id}`. */
export function movieRouteEvent(
  method: "GET" | "PATCH",
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
