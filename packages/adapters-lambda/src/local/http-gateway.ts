import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import type { APIGatewayProxyEvent, APIGatewayProxyResult, Context } from "aws-lambda";
import { type Problem, problemResponse } from "../http/problem.ts";
import type { HttpRoute } from "../wiring.ts";
import { apiGatewayProxyEvent } from "./api-gateway-event.ts";

export type ProxyHandler = (
  event: APIGatewayProxyEvent,
  context: Context,
) => Promise<APIGatewayProxyResult>;

export interface GatewayRoute {
  readonly route: HttpRoute;
  readonly functionName: string;
  readonly handler: ProxyHandler;
}

/** API Gateway's own payload limit. */
const MAX_BODY_BYTES = 10 * 1024 * 1024;

interface CompiledRoute extends GatewayRoute {
  readonly pattern: RegExp;
  readonly parameterNames: readonly string[];
}

function compile(route: GatewayRoute): CompiledRoute {
  const parameterNames: string[] = [];
  // Route paths are plain segments and `{name}` parameters, so nothing else needs escaping.
  const source = route.route.path.replace(/\{(\w+)\}/g, (_match, name: string) => {
    parameterNames.push(name);
    return "([^/]+)";
  });
  return { ...route, pattern: new RegExp(`^${source}$`), parameterNames };
}

function gatewayProblem(status: number, title: string, detail: string): APIGatewayProxyResult {
  const problem: Problem = { type: "about:blank", title, status, detail };
  return problemResponse(problem);
}

/**
 * The gateway's own answer when no route takes a request: no route for the path, or none for
 * the method (`allowed` then names the methods the path has). One function, so that the answers
 * the deployed API Gateway gives can replace these in one place.
 */
export function unroutedResponse(
  method: string,
  path: string,
  allowed: readonly string[],
): APIGatewayProxyResult {
  if (allowed.length === 0) return gatewayProblem(404, "Not Found", `No route for ${path}.`);
  const result = gatewayProblem(
    405,
    "Method Not Allowed",
    `${path} does not take ${method}; use ${allowed.join(" or ")}.`,
  );
  return { ...result, headers: { ...result.headers, Allow: allowed.join(", ") } };
}

/** Path parameters as the handler sees them: percent-decoded, or undefined when malformed. */
function decodedParameters(
  names: readonly string[],
  match: RegExpExecArray,
): Record<string, string> | undefined {
  try {
    return Object.fromEntries(
      names.map((name, i) => [name, decodeURIComponent(match[i + 1] ?? "")]),
    );
  } catch {
    return undefined;
  }
}

async function readBody(request: IncomingMessage): Promise<Buffer | "too_large" | undefined> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of request) {
    size += (chunk as Buffer).length;
    if (size > MAX_BODY_BYTES) return "too_large";
    chunks.push(chunk as Buffer);
  }
  return size === 0 ? undefined : Buffer.concat(chunks);
}

function send(response: ServerResponse, result: APIGatewayProxyResult): void {
  const body = result.body
    ? Buffer.from(result.body, result.isBase64Encoded ? "base64" : "utf8")
    : undefined;
  response.writeHead(result.statusCode, {
    ...Object.fromEntries(Object.entries(result.headers ?? {}).map(([k, v]) => [k, String(v)])),
    ...(body && { "Content-Length": body.length }),
  });
  response.end(body);
}

/**
 * The local stand-in for API Gateway's REST API with Lambda proxy integrations: it matches a
 * request against the wiring's routes, turns it into the same proxy event and hands it to the
 * same handler the deployed function runs.
 */
export async function startHttpGateway(options: {
  readonly port: number;
  readonly routes: readonly GatewayRoute[];
  readonly context: (functionName: string) => Context;
}): Promise<{ readonly url: string; stop(): Promise<void> }> {
  const routes = options.routes.map(compile);
  const server: Server = createServer(async (request, response) => {
    try {
      const url = URL.parse(request.url ?? "/", "http://localhost");
      if (!url) {
        return send(response, gatewayProblem(400, "Bad Request", "The request target is no URL."));
      }
      const matches = routes.flatMap((route) => {
        const match = route.pattern.exec(url.pathname);
        return match ? [{ route, match }] : [];
      });
      const hit = matches.find(({ route }) => route.route.method === request.method);
      if (!hit) {
        const allowed = matches.map(({ route }) => route.route.method);
        return send(response, unroutedResponse(request.method ?? "GET", url.pathname, allowed));
      }
      const pathParameters = decodedParameters(hit.route.parameterNames, hit.match);
      if (!pathParameters) {
        return send(
          response,
          gatewayProblem(400, "Bad Request", "The path holds a malformed percent-encoding."),
        );
      }
      const body = await readBody(request);
      if (body === "too_large") {
        return send(response, gatewayProblem(413, "Payload Too Large", "The body exceeds 10 MB."));
      }
      const headers = Object.fromEntries(
        Object.entries(request.headers).map(([k, v]) => [
          k,
          Array.isArray(v) ? v.join(",") : (v ?? ""),
        ]),
      );
      const event = apiGatewayProxyEvent({
        method: request.method ?? "GET",
        path: url.pathname,
        resource: hit.route.route.path,
        pathParameters,
        headers,
        query: url.searchParams,
        body,
        sourceIp: request.socket.remoteAddress ?? "127.0.0.1",
      });
      send(response, await hit.route.handler(event, options.context(hit.route.functionName)));
    } catch (error) {
      // A handler that throws is what API Gateway reports as a 502 from the integration.
      console.error("local gateway: handler failed", error);
      send(
        response,
        gatewayProblem(502, "Bad Gateway", "The function failed; see the stack's log."),
      );
    }
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port, "127.0.0.1", () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://localhost:${port}`,
    stop: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
