import { parseOrigins } from "./http/cors.ts";
import { ENV } from "./wiring.ts";

export interface Config {
  readonly region: string;
  readonly tableName: string;
  readonly bucket: string | undefined;
  /** DynamoDB Local or another endpoint; the SDK's default when unset. */
  readonly dynamoEndpoint: string | undefined;
  readonly s3Endpoint: string | undefined;
  /** Origins whose browser pages may read the API's responses; empty: no CORS headers. */
  readonly allowedOrigins: readonly string[];
}

export class ConfigError extends Error {
  constructor(problems: readonly string[]) {
    super(`invalid configuration:\n- ${problems.join("\n- ")}`);
    this.name = "ConfigError";
  }
}

const NAME = /^[A-Za-z0-9_.-]{3,255}$/;

/**
 * Reads and checks the function's configuration once, at cold start, so a deployment mistake
 * fails the first invocation with every problem named instead of a confusing SDK error later.
 */
export function loadConfig(
  env: Readonly<Record<string, string | undefined>>,
  needs: { readonly bucket: boolean } = { bucket: false },
): Config {
  const problems: string[] = [];
  const region = env["AWS_REGION"] ?? env["AWS_DEFAULT_REGION"];
  if (!region) problems.push("AWS_REGION is not set");
  const tableName = env[ENV.table];
  if (!tableName) problems.push(`${ENV.table} (the DynamoDB table name) is not set`);
  else if (!NAME.test(tableName)) problems.push(`${ENV.table}=${tableName} is not a table name`);
  const bucket = env[ENV.bucket];
  if (needs.bucket && !bucket) problems.push(`${ENV.bucket} (the S3 bucket name) is not set`);
  const endpoint = (name: string) => {
    const value = env[name];
    if (value === undefined || value === "") return undefined;
    if (!URL.canParse(value) || !/^https?:$/.test(new URL(value).protocol)) {
      problems.push(`${name}=${value} is not an http(s) URL`);
    }
    return value;
  };
  const dynamoEndpoint = endpoint(ENV.dynamoEndpoint);
  const s3Endpoint = endpoint(ENV.s3Endpoint);
  const { origins: allowedOrigins, invalid } = parseOrigins(env[ENV.corsOrigins]);
  for (const value of invalid) {
    problems.push(`${ENV.corsOrigins}: ${value} is not an origin such as https://app.example.com`);
  }
  if (problems.length > 0) throw new ConfigError(problems);
  return {
    region: region ?? "",
    tableName: tableName ?? "",
    bucket,
    dynamoEndpoint,
    s3Endpoint,
    allowedOrigins,
  };
}
