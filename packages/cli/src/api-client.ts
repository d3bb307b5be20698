import { defaultProvider } from "@aws-sdk/credential-provider-node";
import { FUNCTIONS, type HttpRoute } from "@movies/adapters-lambda/wiring";
import { Hash } from "@smithy/hash-node";
import { SignatureV4 } from "@smithy/signature-v4";
import createClient from "openapi-fetch";
import type { paths } from "./generated/movies-api.ts";
import { regionOf, type Target } from "./target.ts";

/** Whether the deployed API authorizes this method with IAM, so its request must be signed. */
export function requiresSigning(method: string): boolean {
  return FUNCTIONS.some(
    (f) =>
      f.trigger.kind === "http" &&
      f.trigger.method === method &&
      f.trigger.authorization === "AWS_IAM",
  );
}

/**
 * The Movies HTTP API's typed client (openapi-fetch over the types generated from openapi.json).
 * Against a deployed stack, the requests its API authorizes with IAM are signed with SigV4 from
 * the SDK's credential chain; the others go out unsigned, so reading needs no AWS credentials at
 * all. The local gateway checks no signatures.
 */
export function apiClient(target: Target, command: string) {
  return createClient<paths>({
    baseUrl: target.apiUrl,
    fetch: (request) =>
      target.kind === "deployed" && requiresSigning(request.method)
        ? signed(request, regionOf(target, `movies ${command}`)).then((r) => fetch(r))
        : fetch(request),
  });
}

async function signed(request: Request, region: string): Promise<Request> {
  const url = new URL(request.url);
  const body = request.body === null ? undefined : await request.clone().text();
  const signer = new SignatureV4({
    service: "execute-api",
    region,
    credentials: defaultProvider(),
    sha256: Hash.bind(null, "sha256"),
  });
  const { headers } = await signer.sign({
    method: request.method as HttpRoute["method"],
    protocol: url.protocol,
    hostname: url.hostname,
    path: url.pathname,
    query: Object.fromEntries(url.searchParams),
    headers: { ...Object.fromEntries(request.headers), host: url.host },
    ...(body !== undefined && { body }),
  });
  const { host: _host, ...sent } = headers as Record<string, string>;
  return new Request(request, { headers: sent, ...(body !== undefined && { body }) });
}
