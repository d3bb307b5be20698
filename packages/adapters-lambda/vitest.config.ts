import { defineProject } from "vitest/config";

export default defineProject({
  test: {
    name: "adapters-lambda",
    include: ["src/**/*.test.ts", "scripts/**/*.test.ts", "bench/**/*.test.ts"],
    // One DynamoDB Local and one S3 server for the whole run; files share them in parallel.
    globalSetup: ["src/testing/global-setup.ts"],
    // A cold JVM or a first image pull takes a while; tests themselves stay on the default.
    hookTimeout: 60_000,
    testTimeout: 20_000,
    // Code under test builds clients from the environment; they must never reach real AWS.
    env: {
      AWS_ACCESS_KEY_ID: "local",
      AWS_SECRET_ACCESS_KEY: "local",
      AWS_REGION: "us-east-1",
      AWS_EC2_METADATA_DISABLED: "true",
      // Handlers log and emit metrics as in Lambda; tests assert on responses, reports and tables.
      POWERTOOLS_LOG_LEVEL: "SILENT",
      POWERTOOLS_METRICS_DISABLED: "true",
    },
  },
});
