import type middy from "@middy/core";
import type { APIGatewayProxyEvent, APIGatewayProxyResult } from "aws-lambda";

/**
 * Answers a HEAD as the GET it mirrors, without the body: API Gateway sends HEAD to the GET's
 * function. Registered first, so it runs last, after the response or the problem is rendered.
 */
export function httpHead(): middy.MiddlewareObj<APIGatewayProxyEvent, APIGatewayProxyResult> {
  const strip = (request: middy.Request<APIGatewayProxyEvent, APIGatewayProxyResult>) => {
    if (request.event.httpMethod === "HEAD" && request.response != null) {
      request.response = { ...request.response, body: "" };
    }
  };
  return { after: strip, onError: strip };
}
