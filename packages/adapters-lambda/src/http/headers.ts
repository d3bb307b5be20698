import type { APIGatewayProxyEvent } from "aws-lambda";

/** A request header by name in any letter case: API Gateway passes names as the client sent them. */
export function headerOf(event: APIGatewayProxyEvent, name: string): string | undefined {
  const { headers } = event;
  if (headers == null) return undefined;
  const found = Object.keys(headers).find((key) => key.toLowerCase() === name);
  return found === undefined ? undefined : (headers[found] ?? undefined);
}
