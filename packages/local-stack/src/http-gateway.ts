import { randomUUID } from "node:crypto";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import {
  type CorsPolicy,
  corsPolicy,
  type GatewayResponseType,
  gatewayProblem,
  gatewayResponse,
  problemResponse,
  withHeaders,
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

/** Answers a request the API does not route (e.g. a documentation page), or leaves it (undefined). */
export type Site = (method: string, pathname: string) => Promise<APIGatewayProxyResult | undefined>;

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

function headersOf(request: IncomingMessage): Record<string, string> {
  return Object.fromEntries(
    Object.entries(request.headers).map(([k, v]) => [
      k,
      Array.isArray(v) ? v.join(",") : (v ?? ""),
    ]),
  );
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
  /** Which browser origins may call the API; none by default. */
  readonly cors?: CorsPolicy;
  /** Pages served beside the API (the API's documentation). */
  readonly site?: Site;
}): Promise<{ readonly url: string; stop(): Promise<void> }> {
  const routes = options.routes.map(compile);
  const cors = options.cors ?? corsPolicy([]);
  const server: Server = createServer(async (request, response) => {
    // The gateway's own answers carry the CORS headers, as the deployed gateway responses do.
    const answer = (type: GatewayResponseType, detail?: string) =>
      send(
        response,
        withHeaders(gatewayAnswer(type, detail), cors.responseHeaders(headersOf(request))),
      );
    try {
      const url = URL.parse(request.url ?? "/", "http://localhost");
      if (!url) return answer("DEFAULT_4XX", "The request target is no URL.");
      const page = await options.site?.(request.method ?? "GET", url.pathname);
      if (page) return send(response, page);
      const matches = routes.flatMap((route) => {
        const match = route.pattern.exec(url.pathname);
        return match ? [{ route, match }] : [];
      });
      if (request.method === "OPTIONS" && matches.length > 0) {
        // The preflight, answered by the gateway as API Gateway's OPTIONS method does.
        const methods = matches.flatMap(({ route }) => routeMethods(route.route));
        return send(response, {
          statusCode: 204,
          headers: cors.preflightHeaders(headersOf(request), methods),
          body: "",
        });
      }
      const hit = matches.find(({ route }) =>
        (routeMethods(route.route) as readonly string[]).includes(request.method ?? ""),
      );
      if (!hit) return answer("MISSING_AUTHENTICATION_TOKEN");
      const pathParameters = decodedParameters(hit.route.parameterNames, hit.match);
      if (!pathParameters) {
        return answer("DEFAULT_4XX", "The path holds a malformed percent-encoding.");
      }
      const body = await readBody(request);
      if (body === "too_large") return answer("REQUEST_TOO_LARGE");
      const headers = headersOf(request);
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
      answer("INTEGRATION_FAILURE");
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
