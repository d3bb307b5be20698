import type middy from "@middy/core";
import type { PatchFormat } from "@movies/domain";
import type { APIGatewayProxyEvent, APIGatewayProxyResult } from "aws-lambda";
import { headerOf } from "./headers.ts";
import { ProblemError, problems } from "./problem.ts";

/** RFC 9110, section 8.3.1: `type/subtype` (case-insensitive), then optional whitespace and parameters. */
const JSON_MEDIA_TYPE = /^\s*application\/([a-z0-9!#$&^_.+-]+\+)?json\s*(;|$)/i;
const MERGE_PATCH = /^\s*application\/merge-patch\+json\s*(;|$)/i;
const CHARSET = /;\s*charset\s*=\s*"?([^";\s]*)"?/i;

const formats = new WeakMap<APIGatewayProxyEvent, PatchFormat>();

/** How the body of `event` reads as a patch: its media type, once `httpJsonBody` has parsed it. */
export function patchFormatOf(event: APIGatewayProxyEvent): PatchFormat {
  return formats.get(event) ?? "json";
}

/**
 * Parses a JSON body in place of @middy/http-json-body-parser, for what it refused or let through:
 * a Content-Type header in any letter case and any JSON media type (415 otherwise, or for a
 * charset other than UTF-8, the only one JSON allows between systems, RFC 8259); duplicate object
 * keys are malformed (I-JSON, RFC 7493: which value wins differs between parsers); and a
 * `__proto__` key is data like any other (JSON.parse makes it an own property), so the domain
 * names it as an unknown field rather than the whole body being called malformed.
 */
export function httpJsonBody(): middy.MiddlewareObj<APIGatewayProxyEvent, APIGatewayProxyResult> {
  return {
    before: (request) => {
      const { event } = request;
      const contentType = headerOf(event, "content-type");
      if (contentType === undefined || !JSON_MEDIA_TYPE.test(contentType)) {
        throw new ProblemError(problems.unsupportedMediaType());
      }
      const charset = CHARSET.exec(contentType)?.[1]?.toLowerCase();
      if (charset !== undefined && charset !== "utf-8" && charset !== "utf8") {
        throw new ProblemError(problems.unsupportedMediaType());
      }
      // No body at all reads as `null`, which the domain refuses as no JSON object.
      const raw = event.body ?? "null";
      const text =
        event.isBase64Encoded && event.body != null
          ? Buffer.from(raw, "base64").toString("utf8")
          : raw;
      let body: unknown;
      try {
        body = JSON.parse(text);
      } catch {
        throw new ProblemError(problems.malformedJson());
      }
      const repeated = duplicateKey(text);
      if (repeated !== undefined) throw new ProblemError(problems.duplicateKey(repeated));
      formats.set(event, MERGE_PATCH.test(contentType) ? "merge-patch" : "json");
      (event as { body: unknown }).body = body;
    },
  };
}

/** The first key repeated within one object of `json`, which must be valid JSON. */
export function duplicateKey(json: string): string | undefined {
  const objects: (Set<string> | undefined)[] = [];
  let expectKey = false;
  for (let i = 0; i < json.length; i++) {
    const char = json[i];
    if (char === '"') {
      let end = i + 1;
      while (json[end] !== '"') end += json[end] === "\\" ? 2 : 1;
      const keys = objects.at(-1);
      if (expectKey && keys !== undefined) {
        // Compared decoded: "a" and "\u0061" are one key.
        const key = JSON.parse(json.slice(i, end + 1)) as string;
        if (keys.has(key)) return key;
        keys.add(key);
        expectKey = false;
      }
      i = end;
    } else if (char === "{") {
      objects.push(new Set());
      expectKey = true;
    } else if (char === "[") {
      objects.push(undefined);
    } else if (char === "}" || char === "]") {
      objects.pop();
      expectKey = false;
    } else if (char === ",") {
      expectKey = objects.at(-1) !== undefined;
    }
  }
  return undefined;
}
