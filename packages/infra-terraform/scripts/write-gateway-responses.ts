/**
 * Writes gateway-responses.json, which api.tf turns into one aws_api_gateway_gateway_response per
 * entry, from the one table of API Gateway's own errors in
 * packages/adapters-lambda/src/http/gateway-responses.ts (test/gateway-responses.test.ts fails
 * when the two differ):
 *
 *   node packages/infra-terraform/scripts/write-gateway-responses.ts
 */
import { writeFile } from "node:fs/promises";
import path from "node:path";
import { fileURLToPath } from "node:url";
import {
  GATEWAY_RESPONSES,
  gatewayProblemBody,
} from "../../adapters-lambda/src/http/gateway-responses.ts";

/** What API Gateway substitutes in a gateway response's mapping template. */
export const TEMPLATE_REQUEST_ID = "$context.requestId";

export const GATEWAY_RESPONSES_JSON = path.resolve(
  path.dirname(fileURLToPath(import.meta.url)),
  "..",
  "gateway-responses.json",
);

/** Response type -> the status code and mapping template of its gateway response. */
export function gatewayResponsesJson(): string {
  const entries = Object.fromEntries(
    GATEWAY_RESPONSES.map((entry) => [
      entry.responseType,
      {
        status_code: String(entry.status),
        template: gatewayProblemBody(entry, TEMPLATE_REQUEST_ID),
      },
    ]),
  );
  return `${JSON.stringify(entries, null, 2)}\n`;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  await writeFile(GATEWAY_RESPONSES_JSON, gatewayResponsesJson());
  console.log(`wrote ${path.relative(process.cwd(), GATEWAY_RESPONSES_JSON)}`);
}
