import { defaultProvider } from "@aws-sdk/credential-provider-node";
import { FUNCTIONS, type HttpRoute } from "@movies/adapters-lambda/wiring";
import { Hash } from "@smithy/hash-node";
import { SignatureV4 } from "@smithy/signature-v4";
import { regionOf, type Target } from "./target.ts";

export interface ApiResponse {
  readonly status: number;
  readonly body: unknown;
}

/** Whether the deployed API authorizes this method with IAM, so its request must be signed. */
export function requiresSigning(method: HttpRoute["method"]): boolean {
  return FUNCTIONS.some(
    (f) =>
      f.trigger.kind === "http" &&
      f.trigger.method === method &&
      f.trigger.authorization === "AWS_IAM",
  );
}

/**
 * Calls the Movies HTTP API. Against a deployed stack, the requests its API authorizes with IAM
 * are signed with SigV4 from the SDK's credential chain; the others go out unsigned, so reading a
 * movie needs no AWS credentials at all. The local gateway checks no signatures.
 */
export async function callApi(
  target: Target,
  method: HttpRoute["method"],
  path: string,
  body?: unknown,
): Promise<ApiResponse> {
  const url = new URL(`${target.apiUrl}${path}`);
  const payload = body === undefined ? undefined : JSON.stringify(body);
  let headers: Record<string, string> = {
    accept: "application/json",
    host: url.host,
    ...(payload !== undefined && { "content-type": "application/json" }),
  };
  if (target.kind === "deployed" && requiresSigning(method)) {
    const signer = new SignatureV4({
      service: "execute-api",
      region: regionOf(target, `movies ${method === "PATCH" ? "rate" : "get"}`),
      credentials: defaultProvider(),
      sha256: Hash.bind(null, "sha256"),
    });
    const signed = await signer.sign({
      method,
      protocol: url.protocol,
      hostname: url.hostname,
      path: url.pathname,
      query: Object.fromEntries(url.searchParams),
      headers,
      ...(payload !== undefined && { body: payload }),
    });
    headers = signed.headers as Record<string, string>;
  }
  const response = await fetch(url, {
    method,
    headers,
    ...(payload !== undefined && { body: payload }),
  });
  const text = await response.text();
  let parsed: unknown = text;
  try {
    parsed = JSON.parse(text);
  } catch {
    // Not JSON (a gateway error page, say): keep the text for the message.
  }
  return { status: response.status, body: parsed };
}
