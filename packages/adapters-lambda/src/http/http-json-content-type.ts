import type middy from "@middy/core";
import type { APIGatewayProxyEvent, APIGatewayProxyResult } from "aws-lambda";

/** RFC 9110, section 8.3.1: `type/subtype` (case-insensitive), then optional whitespace and parameters. */
const JSON_MEDIA_TYPE = /^\s*application\/([a-z0-9!#$&^_.+-]+\+)?json\s*(;|$)/i;

/**
 * Lets the JSON body parser see a JSON Content-Type however the client spelled it. Header names
 * are case-insensitive (RFC 9110, section 5.1) and API Gateway passes them as sent, but
 * @middy/http-json-body-parser only reads `content-type` and `Content-Type`, and wants `json`
 * followed at once by `;` or the end, so `CONTENT-TYPE: application/json` or
 * `application/json ; charset=utf-8` were refused with 415. Other media types stay as sent.
 */
export function httpJsonContentType(): middy.MiddlewareObj<
  APIGatewayProxyEvent,
  APIGatewayProxyResult
> {
  return {
    before: (request) => {
      const { headers } = request.event;
      if (headers == null) return;
      const value = Object.entries(headers).find(
        ([name]) => name.toLowerCase() === "content-type",
      )?.[1];
      if (!JSON_MEDIA_TYPE.test(value ?? "")) return;
      request.event.headers = { ...headers, "content-type": "application/json" };
    },
  };
}
