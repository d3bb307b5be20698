import { inject } from "vitest";
import { ENV } from "../wiring.ts";

/**
 * Points the handlers' cold-start configuration at this file's table and bucket on the run's
 * local services. Call it before importing a handler module: each reads its config once.
 */
export function useHandlerEnv(target: { tableName: string; bucket?: string }): void {
  process.env[ENV.table] = target.tableName;
  process.env[ENV.dynamoEndpoint] = inject("dynamoDbEndpoint");
  process.env[ENV.s3Endpoint] = inject("s3Endpoint");
  if (target.bucket !== undefined) process.env[ENV.bucket] = target.bucket;
}
