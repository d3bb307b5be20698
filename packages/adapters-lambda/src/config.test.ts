import { DYNAMODB_ENDPOINT_VARIABLE } from "@movies/local-aws/settings";
import { describe, expect, test } from "vitest";
import { ConfigError, INLINE_ONLY, loadConfig } from "./config.ts";
import { ENV } from "./wiring.ts";

const valid = {
  AWS_REGION: "eu-west-1",
  MOVIES_TABLE: "movies",
  MOVIES_BUCKET: "movie-infos",
};

describe("loadConfig", () => {
  test("reads a deployed function's environment", () => {
    expect(loadConfig(valid, { bucket: true })).toEqual({
      region: "eu-west-1",
      tableName: "movies",
      bucket: "movie-infos",
      dynamoEndpoint: undefined,
      s3Endpoint: undefined,
      allowedOrigins: [],
      fanOut: INLINE_ONLY,
    });
  });

  test("reads the fan-out's state machine, threshold and concurrency", () => {
    const arn = "arn:aws:states:eu-west-1:000000000000:stateMachine:movies-ingest-fan-out";
    expect(
      loadConfig({
        ...valid,
        [ENV.fanOutStateMachineArn]: arn,
        [ENV.fanOutThresholdBytes]: "1048576",
        [ENV.fanOutMaxConcurrency]: "40",
      }).fanOut,
    ).toEqual({ stateMachineArn: arn, thresholdBytes: 1_048_576, maxConcurrency: 40 });
  });

  test("names a fan-out setting that cannot work", () => {
    expect(() =>
      loadConfig({
        ...valid,
        [ENV.fanOutStateMachineArn]: "movies-ingest-fan-out",
        [ENV.fanOutThresholdBytes]: "64MB",
        [ENV.fanOutMaxConcurrency]: "0",
      }),
    ).toThrow(
      "invalid configuration:\n" +
        "- MOVIES_FAN_OUT_STATE_MACHINE_ARN=movies-ingest-fan-out is not a state machine ARN\n" +
        `- MOVIES_FAN_OUT_THRESHOLD_BYTES=64MB is not a whole number from 1 to ${Number.MAX_SAFE_INTEGER}\n` +
        "- MOVIES_FAN_OUT_MAX_CONCURRENCY=0 is not a whole number from 1 to 10000",
    );
  });

  test("takes local endpoints when given", () => {
    const config = loadConfig({
      ...valid,
      MOVIES_DYNAMODB_ENDPOINT: "http://localhost:8000",
      MOVIES_S3_ENDPOINT: "http://localhost:4569",
    });
    expect(config).toMatchObject({
      dynamoEndpoint: "http://localhost:8000",
      s3Endpoint: "http://localhost:4569",
    });
  });

  test("names every problem at once", () => {
    const error = (() => {
      try {
        loadConfig({ MOVIES_DYNAMODB_ENDPOINT: "localhost:8000" }, { bucket: true });
      } catch (e) {
        return e;
      }
    })();
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as Error).message).toBe(
      "invalid configuration:\n" +
        "- AWS_REGION is not set\n" +
        "- MOVIES_TABLE (the DynamoDB table name) is not set\n" +
        "- MOVIES_BUCKET (the S3 bucket name) is not set\n" +
        "- MOVIES_DYNAMODB_ENDPOINT=localhost:8000 is not an http(s) URL",
    );
  });

  test("the bucket is only required where the function uses one", () => {
    const { MOVIES_BUCKET: _, ...withoutBucket } = valid;
    expect(loadConfig(withoutBucket).bucket).toBeUndefined();
  });

  test("rejects a table name DynamoDB would refuse", () => {
    expect(() => loadConfig({ ...valid, MOVIES_TABLE: "no spaces" })).toThrow(
      "MOVIES_TABLE=no spaces is not a table name",
    );
  });
});

test("the functions and the DynamoDB Local launcher read the same endpoint variable", () => {
  // local-aws imports none of the workspace's packages, so it names the variable itself.
  expect(DYNAMODB_ENDPOINT_VARIABLE).toBe(ENV.dynamoEndpoint);
});
