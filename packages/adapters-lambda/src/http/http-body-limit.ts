import type middy from "@middy/core";
import type { APIGatewayProxyEvent, APIGatewayProxyResult } from "aws-lambda";
import { ProblemError, problems } from "./problem.ts";

/** Answers 413 before any parsing when the body is larger than `limitBytes` (decoded). */
export function httpBodyLimit(
  limitBytes: number,
): middy.MiddlewareObj<APIGatewayProxyEvent, APIGatewayProxyResult> {
  return {
    before: (request) => {
      const { body, isBase64Encoded } = request.event;
      if (body == null) return;
      const bytes = isBase64Encoded
        ? Buffer.from(body, "base64").byteLength
        : Buffer.byteLength(body);
      if (bytes > limitBytes) throw new ProblemError(problems.bodyTooLarge(limitBytes));
    },
  };
}
