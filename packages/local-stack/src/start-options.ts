import { parseArgs } from "node:util";
import { FAN_OUT_THRESHOLD_BYTES, parseOrigins } from "@movies/adapters-lambda";
import { ENV, FUNCTIONS } from "@movies/adapters-lambda/wiring";
import type { DynamoDbLocalVia } from "@movies/local-aws";
import { ConfigError, LOCAL_PORTS, localPort, withoutSeparator } from "@movies/local-aws/settings";

/** Every flag the start command takes; its help and the README name each one. */
export const START_OPTIONS = {
  "http-port": { type: "string" },
  "s3-port": { type: "string" },
  "dynamodb-port": { type: "string" },
  "cors-origins": { type: "string" },
  "fan-out-threshold": { type: "string" },
  "no-seed": { type: "boolean", default: false },
  help: { type: "boolean", short: "h", default: false },
} as const;

/** Every environment variable the start command reads. */
export const START_VARIABLES = [
  LOCAL_PORTS.http.variable,
  LOCAL_PORTS.s3.variable,
  LOCAL_PORTS.dynamodb.variable,
  "MOVIES_DYNAMODB_ENDPOINT",
  "MOVIES_DYNAMODB_LOCAL_IMAGE",
  "MOVIES_TABLE",
  ENV.corsOrigins,
  ENV.fanOutThresholdBytes,
] as const;

const { http, s3, dynamodb } = LOCAL_PORTS;

export const START_HELP = `Usage: pnpm start [--http-port N] [--s3-port N] [--dynamodb-port N]
                 [--cors-origins LIST] [--fan-out-threshold BYTES] [--no-seed]
       pnpm start -- --help

Starts the Movies local stack: DynamoDB Local, an S3 server (versioned, like the deployed
bucket) whose .csv and .csv.gz uploads are ingested, and the HTTP API.

  ${http.flag} N      HTTP API port (or ${http.variable}; default ${http.fallback})
  ${s3.flag} N        S3 port (or ${s3.variable}; default ${s3.fallback})
  ${dynamodb.flag} N  DynamoDB Local port (or ${dynamodb.variable}; default ${dynamodb.fallback})
                     0 picks a free port; a flag wins over its variable.
  --cors-origins LIST
                     origins whose browser pages may call the HTTP API, comma-separated,
                     e.g. http://localhost:5173 (or ${ENV.corsOrigins}; default none)
  --fan-out-threshold BYTES
                     uploads larger than this are ingested in parallel chunks by the fan-out
                     state machine's definition, run locally (or ${ENV.fanOutThresholdBytes};
                     default ${FAN_OUT_THRESHOLD_BYTES}, as deployed; lower it to try the fan-out)
  --no-seed          do not load the seed's movies at start
  -h, --help         this help

Environment:
  MOVIES_DYNAMODB_ENDPOINT     use a running DynamoDB instead of starting DynamoDB Local
  MOVIES_DYNAMODB_LOCAL_IMAGE  the DynamoDB Local image when Docker runs it
                               (default amazon/dynamodb-local:latest)
  MOVIES_TABLE                 the table name (default movies)`;

export interface StartOptions {
  readonly help: boolean;
  readonly seed: boolean;
  readonly httpPort: number;
  readonly s3Port: number;
  readonly dynamoDbPort: number;
  readonly corsOrigins: readonly string[];
  readonly fanOutThresholdBytes: number;
}

/** Reads the flags and variables; a bad value is reported under the name the user set. */
export function parseStartOptions(
  argv: readonly string[],
  env: Readonly<Record<string, string | undefined>>,
): StartOptions {
  const { values } = parseArgs({ args: withoutSeparator(argv), options: START_OPTIONS });
  return {
    help: values.help,
    seed: !values["no-seed"],
    httpPort: localPort("http", values["http-port"], env),
    s3Port: localPort("s3", values["s3-port"], env),
    dynamoDbPort: localPort("dynamodb", values["dynamodb-port"], env),
    corsOrigins: corsOrigins(values["cors-origins"], env),
    fanOutThresholdBytes: fanOutThreshold(values["fan-out-threshold"], env),
  };
}

function fanOutThreshold(
  flag: string | undefined,
  env: Readonly<Record<string, string | undefined>>,
): number {
  const name = flag === undefined ? ENV.fanOutThresholdBytes : "--fan-out-threshold";
  const value = flag ?? env[ENV.fanOutThresholdBytes];
  if (value === undefined || value === "") return FAN_OUT_THRESHOLD_BYTES;
  if (!/^\d+$/.test(value) || Number(value) < 1) {
    throw new ConfigError(
      `${name} takes a number of bytes of at least 1, not ${JSON.stringify(value)}`,
    );
  }
  return Number(value);
}

function corsOrigins(
  flag: string | undefined,
  env: Readonly<Record<string, string | undefined>>,
): readonly string[] {
  const name = flag === undefined ? ENV.corsOrigins : "--cors-origins";
  const { origins, invalid } = parseOrigins(flag ?? env[ENV.corsOrigins]);
  if (invalid.length > 0) {
    throw new ConfigError(
      `${name} takes origins such as http://localhost:5173 (scheme, host, port), not ${invalid.map((o) => JSON.stringify(o)).join(", ")}`,
    );
  }
  return origins;
}

/** How the seed's load went: its movies are in the table, or why they are not. */
export type SeedOutcome =
  | { readonly loaded: true; readonly written: number }
  | { readonly loaded: false; readonly reason: string };

const RUNS_ON: Record<DynamoDbLocalVia, string> = {
  java: "DynamoDB Local on Java",
  docker: "DynamoDB Local in Docker",
  env: "from MOVIES_DYNAMODB_ENDPOINT",
};

function seedLine(seed: SeedOutcome | undefined): string {
  if (seed === undefined) return "";
  if (seed.loaded) {
    return `\n  Loaded the seed's ${seed.written} movies through the S3 path.\n`;
  }
  return (
    `\n  The seed's movies could NOT be loaded: ${seed.reason}\n` +
    "  The stack is up and serves what the table holds; upload a CSV to load movies.\n"
  );
}

/** What the start command prints once the stack is up: what runs where, and what to paste. */
export function startupMessage(facts: {
  readonly seconds: string;
  readonly httpUrl: string;
  readonly s3Endpoint: string;
  readonly dynamoDbEndpoint: string;
  readonly dynamoDbVia: DynamoDbLocalVia;
  readonly corsOrigins: readonly string[];
  readonly bucket: string;
  readonly tableName: string;
  readonly seed: SeedOutcome | undefined;
}): string {
  const { httpUrl, s3Endpoint, bucket } = facts;
  return `
Movies local stack is up (${facts.seconds} s).

  HTTP API  ${httpUrl}          ${routesLine()}
  API docs  ${httpUrl}/docs     (and ${httpUrl}/openapi.json)${facts.corsOrigins.length > 0 ? `\n  CORS      browser pages of ${facts.corsOrigins.join(", ")} may call the API` : ""}
  S3        ${s3Endpoint}          bucket ${bucket} (versioned): each .csv upload is ingested
  DynamoDB  ${facts.dynamoDbEndpoint}          table ${facts.tableName} (${RUNS_ON[facts.dynamoDbVia]})
${seedLine(facts.seed)}
Try it (from another terminal):

  export AWS_ACCESS_KEY_ID=local AWS_SECRET_ACCESS_KEY=local AWS_DEFAULT_REGION=us-east-1
  aws s3 cp packages/local-stack/seed/movie-infos.csv s3://${bucket} --endpoint-url ${s3Endpoint}
  curl --request PATCH --url ${httpUrl}/movies/mv1 \\
    --header 'content-type: application/json' \\
    --data '{"movie_id": "mv1", "rotten_tomatoes_rating": 98, "imdb_rating": 43}'
  curl --request GET --url ${httpUrl}/movies/mv1

Press Ctrl-C to stop.`;
}

/** The wiring's HTTP routes, by path: `GET /movies; GET, PATCH, DELETE /movies/{movie_id}`. */
function routesLine(): string {
  const byPath = new Map<string, string[]>();
  for (const { trigger } of FUNCTIONS) {
    if (trigger.kind === "http") {
      byPath.set(trigger.path, [...(byPath.get(trigger.path) ?? []), trigger.method]);
    }
  }
  return [...byPath].map(([path, methods]) => `${methods.join(", ")} ${path}`).join("; ");
}
