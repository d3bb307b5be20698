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
  /** When and how a large object fans out; `stateMachineArn` unset: every object inline. */
  readonly fanOut: FanOutConfig;
}

export interface FanOutConfig {
  readonly stateMachineArn: string | undefined;
  readonly thresholdBytes: number;
  readonly maxConcurrency: number;
}

/**
 * Objects larger than this fan out. One invocation ingests 5,000 to 10,000 rows/s on AWS (see
 * docs/performance.md) of about 70 bytes each: 64 MiB is about a million rows, 100 to 200 s,
 * a quarter or less of the 870 s a 900 s function keeps for rows. A gzip object is compared by
 * its compressed size (inline it reads 4 to 5 times as many bytes; fanned out it is refused).
 */
export const FAN_OUT_THRESHOLD_BYTES = 64 * 1024 * 1024;

/**
 * Chunks ingested at once when unset: a table's warm write capacity over one worker's 5,000 rows/s
 * (40,000 writes/s, the default table quota, once warm; see docs/performance.md).
 */
export const FAN_OUT_MAX_CONCURRENCY = 8;

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
  const fanOut = fanOutConfig(env, problems);
  if (problems.length > 0) throw new ConfigError(problems);
  return {
    region: region ?? "",
    tableName: tableName ?? "",
    bucket,
    dynamoEndpoint,
    s3Endpoint,
    allowedOrigins,
    fanOut,
  };
}

/** No state machine: every object is ingested inline. */
export const INLINE_ONLY: FanOutConfig = {
  stateMachineArn: undefined,
  thresholdBytes: FAN_OUT_THRESHOLD_BYTES,
  maxConcurrency: FAN_OUT_MAX_CONCURRENCY,
};

const STATE_MACHINE_ARN =
  /^arn:aws[a-z-]*:states:[a-z0-9-]+:\d{12}:stateMachine:[A-Za-z0-9_-]{1,80}$/;
/** The Distributed Map runs at most 10,000 child executions at once. */
const MAX_CONCURRENCY_LIMIT = 10_000;

function fanOutConfig(
  env: Readonly<Record<string, string | undefined>>,
  problems: string[],
): FanOutConfig {
  const arn = env[ENV.fanOutStateMachineArn] || undefined;
  if (arn !== undefined && !STATE_MACHINE_ARN.test(arn)) {
    problems.push(`${ENV.fanOutStateMachineArn}=${arn} is not a state machine ARN`);
  }
  const whole = (name: string, fallback: number, max: number) => {
    const value = env[name];
    if (value === undefined || value === "") return fallback;
    const n = Number(value);
    if (!/^\d+$/.test(value) || n < 1 || n > max) {
      problems.push(`${name}=${value} is not a whole number from 1 to ${max}`);
      return fallback;
    }
    return n;
  };
  return {
    stateMachineArn: arn,
    thresholdBytes: whole(
      ENV.fanOutThresholdBytes,
      FAN_OUT_THRESHOLD_BYTES,
      Number.MAX_SAFE_INTEGER,
    ),
    maxConcurrency: whole(ENV.fanOutMaxConcurrency, FAN_OUT_MAX_CONCURRENCY, MAX_CONCURRENCY_LIMIT),
  };
}
