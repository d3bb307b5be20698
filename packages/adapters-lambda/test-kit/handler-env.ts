import { inject } from "vitest";
import { ENV } from "../src/wiring.ts";

export type HandlerEnv = Readonly<Record<string, string | undefined>>;

/**
 * The environment a function would see in Lambda, as a record, pointing at this file's table
 * and bucket on the run's local services: tests build handlers with `coldStart(handlerEnv(...))`,
 * through the same configuration check as a deployed cold start, and never touch `process.env`.
 */
export function handlerEnv(target: {
  tableName: string;
  bucket?: string;
  dynamoEndpoint?: string;
}): HandlerEnv {
  return {
    AWS_REGION: "us-east-1",
    [ENV.table]: target.tableName,
    [ENV.dynamoEndpoint]: target.dynamoEndpoint ?? inject("dynamoDbEndpoint"),
    [ENV.s3Endpoint]: inject("s3Endpoint"),
    ...(target.bucket !== undefined && { [ENV.bucket]: target.bucket }),
  };
}
