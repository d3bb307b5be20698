import { fileURLToPath } from "node:url";
import { ENV } from "@movies/adapters-lambda/wiring";
import { ConfigError, LOCAL_BUCKET, LOCAL_TABLE } from "@movies/local-aws/settings";
import { startLocalStack } from "./local-stack.ts";
import { parseStartOptions, START_HELP, startupMessage } from "./start-options.ts";

async function main(): Promise<void> {
  const { env } = process;
  const options = parseStartOptions(process.argv.slice(2), env);
  if (options.help) {
    console.log(START_HELP);
    return;
  }
  // Local runs print their summaries as logs; the metric lines are for CloudWatch only.
  env["POWERTOOLS_METRICS_DISABLED"] ??= "true";
  const bucket = LOCAL_BUCKET;
  const tableName = env[ENV.table] ?? LOCAL_TABLE;
  const started = performance.now();
  const stack = await startLocalStack({
    httpPort: options.httpPort,
    s3Port: options.s3Port,
    dynamoDbPort: options.dynamoDbPort,
    corsOrigins: options.corsOrigins,
    fanOutThresholdBytes: options.fanOutThresholdBytes,
    bucket,
    tableName,
    ...(options.seed && {
      seedFile: fileURLToPath(new URL("../seed/movie-infos.csv", import.meta.url)),
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

  console.log(
    startupMessage({
      ...stack,
      seconds: ((performance.now() - started) / 1000).toFixed(1),
      corsOrigins: options.corsOrigins,
      bucket,
      tableName,
    }),
  );
}

main().catch((error: unknown) => {
  const message = error instanceof Error ? error.message : String(error);
  console.error(error instanceof ConfigError ? `pnpm start: ${message}` : message);
  process.exit(error instanceof ConfigError || isUsage(error) ? 2 : 1);
});

function isUsage(error: unknown): boolean {
  return (error as { code?: string }).code?.startsWith("ERR_PARSE_ARGS") ?? false;
}
