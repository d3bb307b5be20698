import type middy from "@middy/core";
import type { PatchFormat } from "@movies/domain";
import type { APIGatewayProxyEvent, APIGatewayProxyResult } from "aws-lambda";
import { headerOf } from "./headers.ts";
import { ProblemError, problems } from "./problem.ts";

/** RFC 9110, section 8.3.1: `type/subtype` (case-insensitive), then optional whitespace and parameters. */
const JSON_MEDIA_TYPE = /^\s*application\/([a-z0-9!#$&^_.+-]+\+)?json\s*(;|$)/i;
const MERGE_PATCH = /^\s*application\/merge-patch\+json\s*(;|$)/i;
const CHARSET = /;\s*charset\s*=\s*"?([^";\s]*)"?/i;
/**
 * Arrays and objects nested deeper than this make a body malformed (RFC 8259 lets a parser set
 * the limit): a rating update needs one level, and the parser's prototype check recurses.
 */
export const MAX_JSON_DEPTH = 64;

interface JsonBody {
  readonly format: PatchFormat;
  /** The body as sent, for the I-JSON check once the parser has replaced it. */
  readonly text: string;
}

const bodies = new WeakMap<APIGatewayProxyEvent, JsonBody>();

/** How the body of `event` reads as a patch: its media type, once `httpJsonContentType` saw it. */
export function patchFormatOf(event: APIGatewayProxyEvent): PatchFormat {
  return bodies.get(event)?.format ?? "json";
}

/**
 * Before @middy/http-json-body-parser: lets it see a JSON Content-Type however the client spelled
 * it (header names are case-insensitive, and any JSON media type with parameters is JSON), which
 * it would refuse with 415; refuses a charset other than UTF-8, the only one JSON allows between
 * systems (RFC 8259); and keeps the body's text and media type for what follows the parser.
 */
export function httpJsonContentType(): middy.MiddlewareObj<
  APIGatewayProxyEvent,
  APIGatewayProxyResult
> {
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
      const text =
        event.isBase64Encoded && event.body != null
          ? Buffer.from(event.body, "base64").toString("utf8")
          : (event.body ?? "");
      if (nestingDepth(text) > MAX_JSON_DEPTH) {
        throw new ProblemError(problems.nestedTooDeep(MAX_JSON_DEPTH));
      }
      bodies.set(event, { format: MERGE_PATCH.test(contentType) ? "merge-patch" : "json", text });
      event.headers = { ...event.headers, "content-type": "application/json" };
    },
  };
}

/**
 * After @middy/http-json-body-parser: a key written twice in one object makes the body malformed
 * (I-JSON, RFC 7493), since which value wins differs between parsers.
 */
export function httpIJson(): middy.MiddlewareObj<APIGatewayProxyEvent, APIGatewayProxyResult> {
  return {
    before: (request) => {
      const body = bodies.get(request.event);
      const repeated = body === undefined ? undefined : duplicateKey(body.text);
      if (repeated !== undefined) throw new ProblemError(problems.duplicateKey(repeated));
    },
  };
}

/** How deep arrays and objects nest in `text`, which need not be valid JSON. */
function nestingDepth(text: string): number {
  let depth = 0;
  let deepest = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const char = text[i];
    if (inString) {
      if (char === "\\") i++;
      else if (char === '"') inString = false;
    } else if (char === '"') {
      inString = true;
    } else if (char === "{" || char === "[") {
      depth++;
      if (depth > deepest) deepest = depth;
    } else if (char === "}" || char === "]") {
      depth--;
    }
  }
  return deepest;
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
