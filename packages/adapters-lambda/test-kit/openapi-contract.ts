import { Ajv2020 } from "ajv/dist/2020.js";
import type { APIGatewayProxyResult } from "aws-lambda";
import openapi from "../openapi.json" with { type: "json" };

type Json = Record<string, unknown>;

const ajv = new Ajv2020({ allErrors: true, strict: true });
ajv.addFormat("date", /^\d{4}-\d{2}-\d{2}$/);
ajv.addFormat("uri-reference", true);
// The document itself is the schema registry, so `#/components/...` refs resolve inside it.
ajv.addKeyword("components");
ajv.addSchema({ $id: "openapi", components: openapi.components });

function follow(node: Json): Json {
  const ref = node["$ref"];
  if (typeof ref !== "string") return node;
  const path = ref.replace(/^#\//, "").split("/");
  return follow(path.reduce<Json>((at, part) => at[part] as Json, openapi as unknown as Json));
}

/**
 * The ways a real handler response breaks the OpenAPI document for its operation: an
 * undocumented status or content type, or a body its schema rejects. Empty when it conforms.
 */
export function openApiViolations(
  method: "get" | "patch",
  path: keyof typeof openapi.paths,
  response: APIGatewayProxyResult,
): string[] {
  const operation = (openapi.paths[path] as Json)[method] as Json;
  const responses = operation["responses"] as Json;
  const documented = responses[String(response.statusCode)] as Json | undefined;
  if (!documented) return [`status ${response.statusCode} is not documented`];
  const contentType = String(response.headers?.["Content-Type"] ?? "");
  const content = follow(documented)["content"] as Json;
  const media = content[contentType] as Json | undefined;
  if (!media) return [`content type ${contentType} is not documented for ${response.statusCode}`];
  const pointer = JSON.stringify(media["schema"]).replace(/"#\//g, '"openapi#/');
  const validate = ajv.compile(JSON.parse(pointer));
  if (validate(JSON.parse(response.body))) return [];
  return (validate.errors ?? []).map((e) => `${e.instancePath || "body"} ${e.message}`);
}
