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
 * undocumented status or content type, a documented header missing or off its schema, or a body
 * its schema rejects. Empty when it conforms. A HEAD is held to its GET, without the body.
 */
export function openApiViolations(
  method: "get" | "head" | "patch" | "delete",
  path: keyof typeof openapi.paths,
  response: APIGatewayProxyResult,
): string[] {
  const operation = (openapi.paths[path] as Json)[method === "head" ? "get" : method] as Json;
  const responses = operation["responses"] as Json;
  const documented = responses[String(response.statusCode)] as Json | undefined;
  if (!documented) return [`status ${response.statusCode} is not documented`];
  const violations: string[] = [];
  for (const [name, header] of Object.entries((follow(documented)["headers"] ?? {}) as Json)) {
    const value = response.headers?.[name];
    const spec = follow(header as Json);
    if (value === undefined) {
      if (spec["required"] === true) violations.push(`header ${name} is missing`);
    } else if (!ajv.compile(refs(spec["schema"]))(String(value))) {
      violations.push(`header ${name} ${String(value)} is off its schema`);
    }
  }
  const content = follow(documented)["content"] as Json | undefined;
  if (content === undefined || method === "head") {
    return response.body === "" ? violations : [...violations, "a body where none is documented"];
  }
  const contentType = String(response.headers?.["Content-Type"] ?? "");
  const media = content[contentType] as Json | undefined;
  if (!media) return [`content type ${contentType} is not documented for ${response.statusCode}`];
  const validate = ajv.compile(refs(media["schema"]));
  if (validate(JSON.parse(response.body))) return violations;
  return [
    ...violations,
    ...(validate.errors ?? []).map((e) => `${e.instancePath || "body"} ${e.message}`),
  ];
}

/** A schema of the document with its `#/...` refs pointing into the registered document. */
function refs(schema: unknown): Json {
  return JSON.parse(JSON.stringify(schema).replace(/"#\//g, '"openapi#/')) as Json;
}
