import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { startLocalStack } from "./local-stack.ts";

const HELP = `Usage: pnpm start [--http-port N] [--s3-port N] [--dynamodb-port N] [--no-seed]

Starts the Movies local stack: DynamoDB Local, an S3 server whose .csv uploads are ingested,
and the HTTP API. Ports default to 3000, 4569 and 8000 (or MOVIES_HTTP_PORT, MOVIES_S3_PORT,
MOVIES_DYNAMODB_PORT); 0 picks a free port. MOVIES_DYNAMODB_ENDPOINT uses a running DynamoDB
instead of starting DynamoDB Local; MOVIES_TABLE names the table (default movies).`;

const RUNS_ON = {
  java: "DynamoDB Local on Java",
  docker: "DynamoDB Local in Docker",
  env: "from MOVIES_DYNAMODB_ENDPOINT",
} as const;

function port(value: string | undefined, fallback: number, name: string): number {
  const raw = value ?? String(fallback);
  const parsed = Number(raw);
  if (!Number.isInteger(parsed) || parsed < 0 || parsed > 65_535) {
    throw new Error(`${name} must be a port number from 0 to 65535, not "${raw}"`);
  }
  return parsed;
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      "http-port": { type: "string" },
      "s3-port": { type: "string" },
      "dynamodb-port": { type: "string" },
      "no-seed": { type: "boolean", default: false },
      help: { type: "boolean", short: "h", default: false },
    },
  });
  if (values.help) {
    console.log(HELP);
    return;
  }
  const { env } = process;
  // Local runs print their summaries as logs; the metric lines are for CloudWatch only.
  env["POWERTOOLS_METRICS_DISABLED"] ??= "true";
  const bucket = "movie-infos";
  const tableName = env["MOVIES_TABLE"] ?? "movies";
  const started = performance.now();
  const stack = await startLocalStack({
    httpPort: port(values["http-port"] ?? env["MOVIES_HTTP_PORT"], 3000, "--http-port"),
    s3Port: port(values["s3-port"] ?? env["MOVIES_S3_PORT"], 4569, "--s3-port"),
    dynamoDbPort: port(
      values["dynamodb-port"] ?? env["MOVIES_DYNAMODB_PORT"],
      8000,
      "--dynamodb-port",
    ),
    bucket,
    tableName,
    ...(!values["no-seed"] && {
      seedFile: fileURLToPath(new URL("../../seed/movie-infos.csv", import.meta.url)),
    }),
  });

  let stopping = false;
  const shutdown = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    console.log(`\n${signal}: stopping the local stack...`);
    await stack.stop();
    console.log("stopped.");
    process.exit(0);
  };
  process.on("SIGINT", () => void shutdown("SIGINT"));
  process.on("SIGTERM", () => void shutdown("SIGTERM"));

  const seconds = ((performance.now() - started) / 1000).toFixed(1);
  const { httpUrl, s3Endpoint, dynamoDbEndpoint, dynamoDbVia } = stack;
  console.log(`
Movies local stack is up (${seconds} s).

  HTTP API  ${httpUrl}          GET and PATCH /movies/{movie_id}
  S3        ${s3Endpoint}          bucket ${bucket}: each .csv upload is ingested
  DynamoDB  ${dynamoDbEndpoint}          table ${tableName} (${RUNS_ON[dynamoDbVia]})
${values["no-seed"] ? "" : "\n  Loaded the seed's three movies (mv1, mv2, mv3) through the S3 path.\n"}
Try it (from another terminal):

  export AWS_ACCESS_KEY_ID=local AWS_SECRET_ACCESS_KEY=local AWS_DEFAULT_REGION=us-east-1
  aws s3 cp packages/adapters-lambda/seed/movie-infos.csv s3://${bucket} --endpoint-url ${s3Endpoint}
  curl --request PATCH --url ${httpUrl}/movies/mv1 \\
    --header 'content-type: application/json' \\
    --data '{"movie_id": "mv1", "rotten_tomatoes_rating": 98, "imdb_rating": 43}'
  curl --request GET --url ${httpUrl}/movies/mv1

Press Ctrl-C to stop.`);
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
