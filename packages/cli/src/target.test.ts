import { REAL_LOOKING_AWS_KEYS } from "@movies/local-aws/test-kit";
import { describe, expect, test } from "vitest";
import { requiresSigning } from "./api-client.ts";
import { bucketOf, regionOf, resolveTarget } from "./target.ts";

describe("resolveTarget", () => {
  test("the local stack always gets its own key pair, whatever AWS keys are exported", () => {
    const target = resolveTarget({}, REAL_LOOKING_AWS_KEYS);
    expect(target).toMatchObject({
      kind: "local",
      apiUrl: "http://localhost:3000",
      bucket: "movie-infos",
      s3Endpoint: "http://localhost:4569",
      credentials: { accessKeyId: "local", secretAccessKey: "local" },
    });
  });

  test("a deployed stack uses the SDK's credential chain and needs only its API URL", () => {
    const target = resolveTarget({}, { MOVIES_API_URL: "https://api.example.com/prod/" });
    expect(target).toMatchObject({
      kind: "deployed",
      apiUrl: "https://api.example.com/prod",
      bucket: undefined,
      credentials: undefined,
    });
  });

  test("the bucket is asked for by ingest only, naming the flag and the variable", () => {
    const target = resolveTarget({ "api-url": "https://api.example.com" }, {});
    expect(() => bucketOf(target)).toThrow(/--bucket \(or MOVIES_BUCKET\)/);
    expect(bucketOf(resolveTarget({ "api-url": "https://x.example", bucket: "b" }, {}))).toBe("b");
  });

  test("the region comes from the flag, the environment, or an execute-api URL", () => {
    const url = "https://abc123.execute-api.ap-south-1.amazonaws.com/prod";
    expect(resolveTarget({ "api-url": url }, {}).region).toBe("ap-south-1");
    expect(resolveTarget({ "api-url": url }, { AWS_REGION: "eu-west-1" }).region).toBe("eu-west-1");
    const elsewhere = resolveTarget({ "api-url": "https://movies.example.com" }, {});
    expect(() => regionOf(elsewhere, "movies rate")).toThrow(/--region \(or AWS_REGION\)/);
  });

  test("configuration errors name what the user set", () => {
    expect(() => resolveTarget({}, { MOVIES_HTTP_PORT: "http" })).toThrow(/^MOVIES_HTTP_PORT/);
    expect(() => resolveTarget({}, { MOVIES_S3_PORT: "70000" })).toThrow(/^MOVIES_S3_PORT/);
    expect(() => resolveTarget({}, { MOVIES_API_URL: "api.example.com" })).toThrow(
      /^MOVIES_API_URL/,
    );
    expect(() => resolveTarget({ "api-url": "nope" }, {})).toThrow(/^--api-url/);
  });
});

describe("requiresSigning", () => {
  test("follows the deployed API's authorization: PATCH is IAM, GET is public", () => {
    expect(requiresSigning("PATCH")).toBe(true);
    expect(requiresSigning("GET")).toBe(false);
  });
});
