import { randomUUID } from "node:crypto";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import {
  type GatewayResponseType,
  gatewayProblem,
  gatewayResponse,
  problemResponse,
} from "@movies/adapters-lambda";
import { type HttpRoute, routeMethods } from "@movies/adapters-lambda/wiring";
import { apiGatewayProxyEvent } from "@movies/local-aws";
import type { APIGatewayProxyEvent, APIGatewayProxyResult, Context } from "aws-lambda";

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

/**
 * What the deployed API Gateway answers by itself in the same situation, from the one table of
 * its responses: an unknown route or method is MISSING_AUTHENTICATION_TOKEN there too.
 */
function gatewayAnswer(type: GatewayResponseType, detail?: string): APIGatewayProxyResult {
  const problem = gatewayProblem(gatewayResponse(type), randomUUID());
  return problemResponse(detail === undefined ? problem : { ...problem, detail });
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
        return send(response, gatewayAnswer("DEFAULT_4XX", "The request target is no URL."));
      }
      const matches = routes.flatMap((route) => {
        const match = route.pattern.exec(url.pathname);
        return match ? [{ route, match }] : [];
      });
      const hit = matches.find(({ route }) =>
        (routeMethods(route.route) as readonly string[]).includes(request.method ?? ""),
      );
      if (!hit) return send(response, gatewayAnswer("MISSING_AUTHENTICATION_TOKEN"));
      const pathParameters = decodedParameters(hit.route.parameterNames, hit.match);
      if (!pathParameters) {
        return send(
          response,
          gatewayAnswer("DEFAULT_4XX", "The path holds a malformed percent-encoding."),
        );
      }
      const body = await readBody(request);
      if (body === "too_large") {
        return send(response, gatewayAnswer("REQUEST_TOO_LARGE"));
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
      send(response, gatewayAnswer("INTEGRATION_FAILURE"));
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
