import { beforeAll, describe, expect, it } from "vitest";
import { FUNCTIONS, REPORTS_PREFIX } from "../../adapters-lambda/src/wiring.ts";
import {
  checkAlarms,
  checkApi,
  checkEveryRole,
  checkFirstApply,
  checkFunctions,
  checkFunctionsJson,
  checkGatewayResponses,
  checkIamPolicies,
  checkInvokePermissions,
  checkNotification,
  checkNoWildcards,
  checkResourcePolicies,
  checkResourceTypes,
  checkSecurityDefaults,
  failureQueue,
  functionResource,
  localValue,
  NODE_OPTIONS,
  requiredResourceTypes,
} from "./checks.ts";
import {
  attr,
  isObject,
  loadModule,
  output,
  resources,
  resourceTypes,
  single,
  str,
  type TfModule,
  variable,
  variableNames,
} from "./load-module.ts";
import { MODULE_DIR } from "./paths.ts";

let mod: TfModule;

beforeAll(async () => {
  mod = await loadModule(MODULE_DIR);
});

describe("the Terraform module agrees with wiring.ts and its defaults", () => {
  it("is split into readable files by concern", () => {
    for (const file of [
      "versions.tf",
      "variables.tf",
      "table.tf",
      "bucket.tf",
      "functions.tf",
      "api.tf",
      "iam.tf",
      "outputs.tf",
    ]) {
      expect(mod.files).toContain(file);
    }
  });

  it("pins Terraform, and the AWS provider from the first 6.x release that takes nodejs24.x to the next major", () => {
    const terraform = attr(mod.json, "terraform");
    const settings = Array.isArray(terraform) && isObject(terraform[0]) ? terraform[0] : undefined;
    expect(str(settings, "required_version")).toMatch(/>=\s*1\.\d+/);
    expect(single(settings, "required_providers")).toEqual({
      aws: { source: "hashicorp/aws", version: ">= 6.19.0, < 7.0.0" },
    });
  });

  it("iterates functions.json, which is what scripts/write-functions.ts writes from wiring.ts", () => {
    expect(checkFunctionsJson(mod)).toEqual([]);
  });

  it("has every resource type of the seed's action plan", () => {
    expect(checkResourceTypes(mod)).toEqual([]);
    const present = resourceTypes(mod);
    for (const [type, atLeast] of requiredResourceTypes()) {
      expect(present.get(type) ?? 0, type).toBeGreaterThanOrEqual(atLeast);
    }
    expect(present.get("aws_lambda_function")).toBe(FUNCTIONS.length);
  });

  it("deploys each wiring function on nodejs24.x arm64 from its zip, with its environment and own role", () => {
    expect(checkFunctions(mod)).toEqual([]);
    for (const fn of FUNCTIONS) {
      const lambda = functionResource(mod, fn);
      expect(lambda, fn.name).toBeDefined();
      expect(attr(lambda?.block, "runtime")).toBe("nodejs24.x");
      expect(attr(lambda?.block, "architectures")).toEqual(["arm64"]);
    }
  });

  it("gives each role exactly the wiring actions on exactly the table and bucket, plus logs, X-Ray and the failure queue", () => {
    expect(checkIamPolicies(mod)).toEqual([]);
  });

  it("confines the ingest's report writes to REPORTS_PREFIX", () => {
    const ingest = FUNCTIONS.find((fn) => fn.trigger.kind === "s3");
    expect(ingest?.bucketGrants).toContainEqual({
      actions: ["s3:PutObject"],
      prefix: REPORTS_PREFIX,
    });
    expect(checkIamPolicies(mod)).toEqual([]);
  });

  it("accounts for every role: the function roles, and API Gateway's logging role with exactly its managed policy's actions on this account's logs", () => {
    expect(checkEveryRole(mod)).toEqual([]);
  });

  it("grants nothing in resource policies: the bucket policy only denies (plain HTTP, TLS below 1.2), ACLs are off", () => {
    expect(checkResourcePolicies(mod)).toEqual([]);
  });

  it("lets exactly each function's trigger invoke it, scoped to its route or bucket, and nothing else", () => {
    expect(checkInvokePermissions(mod)).toEqual([]);
  });

  it("grants no wildcard action anywhere, and no wildcard resource on data", () => {
    expect(checkNoWildcards(mod)).toEqual([]);
  });

  it("serves exactly the wiring routes with their authorization, integrations and scoped permissions", () => {
    expect(checkApi(mod)).toEqual([]);
  });

  it("notifies the ingest function for the wiring's S3 events, unfiltered", () => {
    expect(checkNotification(mod)).toEqual([]);
  });

  it("has the secure defaults", () => {
    expect(checkSecurityDefaults(mod)).toEqual([]);
  });

  it("outputs the API URL, bucket name and table name", () => {
    expect(str(output(mod, "api_url"), "value")).toBe(`\${aws_api_gateway_stage.live.invoke_url}`);
    expect(str(output(mod, "bucket_name"), "value")).toBe(`\${aws_s3_bucket.movie_infos.bucket}`);
    expect(str(output(mod, "table_name"), "value")).toBe(`\${aws_dynamodb_table.movies.name}`);
  });

  it("describes every variable and validates the constrained ones", () => {
    for (const name of variableNames(mod)) {
      expect(str(variable(mod, name), "description"), name).toBeTruthy();
    }
    for (const name of [
      "name_prefix",
      "region",
      "table_name",
      "bucket_name",
      "patch_authorization",
      "log_retention_days",
      "lambda_dist_dir",
      "ingest_memory_mb",
      "ingest_timeout_seconds",
      "api_throttling_rate_limit",
      "api_throttling_burst_limit",
      "ingest_reserved_concurrency",
      "alarm_sns_topic_arn",
    ]) {
      expect(single(variable(mod, name), "validation"), name).toBeDefined();
    }
    const defaults = (name: string) => attr(variable(mod, name), "default");
    expect(defaults("patch_authorization")).toBe("AWS_IAM");
    expect(defaults("table_deletion_protection")).toBe(true);
    expect(defaults("lambda_dist_dir")).toBe(null);
    expect(defaults("ingest_reserved_concurrency")).toBe(1);
    expect(defaults("manage_api_gateway_account")).toBe(false);
    expect(defaults("alarm_sns_topic_arn")).toBe(null);
    expect(defaults("ingest_memory_mb")).toBe(1769);
    expect(defaults("ingest_timeout_seconds")).toBe(900);
  });

  it("applies first time in a fresh account: region-unique role names, module-relative files, the region's API Gateway setting left alone", () => {
    expect(checkFirstApply(mod)).toEqual([]);
  });

  it("answers every error API Gateway produces itself with the problem of GATEWAY_RESPONSES", () => {
    expect(checkGatewayResponses(mod)).toEqual([]);
  });

  it("alarms on the failure queue, failed ingests, API 5xx, throttled requests and throttled functions", () => {
    expect(checkAlarms(mod)).toEqual([]);
  });

  it("turns source maps on in every function", () => {
    for (const fn of FUNCTIONS) {
      const env = single(functionResource(mod, fn)?.block, "environment");
      const variables = attr(env, "variables");
      expect(isObject(variables) && localValue(mod, variables["NODE_OPTIONS"]), fn.name).toBe(
        NODE_OPTIONS,
      );
    }
    expect(checkFunctions(mod)).toEqual([]);
  });

  it("keeps the ingest on-failure destination and the X-Ray/JSON logging on every function", () => {
    for (const fn of FUNCTIONS.filter((f) => f.trigger.kind === "s3")) {
      const lambda = functionResource(mod, fn);
      expect(lambda && failureQueue(mod, lambda)?.type, fn.name).toBe("aws_sqs_queue");
    }
    for (const lambda of resources(mod, "aws_lambda_function")) {
      expect(str(single(lambda.block, "tracing_config"), "mode"), lambda.address).toBe("Active");
      expect(str(single(lambda.block, "logging_config"), "log_format"), lambda.address).toBe(
        "JSON",
      );
    }
  });
});
