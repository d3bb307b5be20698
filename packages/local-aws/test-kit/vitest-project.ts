import { fileURLToPath } from "node:url";
import { defineProject, type UserWorkspaceConfig } from "vitest/config";

/**
 * A package's Vitest project on the run's local services: one DynamoDB Local and one S3 server
 * for the whole run, which test files share in parallel, each on its own table and bucket.
 */
export function localServicesProject(name: string, include: string[]): UserWorkspaceConfig {
  return defineProject({
    test: {
      name,
      include,
      globalSetup: [fileURLToPath(new URL("./global-setup.ts", import.meta.url))],
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
}
