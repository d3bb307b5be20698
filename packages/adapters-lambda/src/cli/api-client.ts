import { defaultProvider } from "@aws-sdk/credential-provider-node";
import { Hash } from "@smithy/hash-node";
import { SignatureV4 } from "@smithy/signature-v4";
import type { Target } from "./target.ts";

export interface ApiResponse {
  readonly status: number;
  readonly body: unknown;
}

/** Calls the Movies HTTP API, signing with SigV4 for a deployed stack. */
export async function callApi(
  target: Target,
  method: "GET" | "PATCH",
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
  if (target.sign) {
    const signer = new SignatureV4({
      service: "execute-api",
      region: target.region,
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
