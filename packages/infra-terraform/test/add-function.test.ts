/**
 * Adding a function is one wiring entry: a copy of the module whose functions.json is written for
 * the wiring plus an HTTP-triggered and an S3-triggered function, with no .tf file touched, plans
 * each new function with its role, policy, log group and route or notification, and passes every
 * check held to that wiring.
 */
import { writeFile } from "node:fs/promises";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { FUNCTIONS, type FunctionWiring } from "../../adapters-lambda/src/wiring.ts";
import { FUNCTIONS_JSON, functionsJson } from "../scripts/write-functions.ts";
import { ALL_CHECKS } from "./all-checks.ts";
import {
  byAddress,
  checkFunctions,
  failureQueue,
  functionLogGroup,
  functionResource,
  policyDocument,
  routeSourceArn,
} from "./checks.ts";
import {
  attr,
  loadModule,
  nested,
  reference,
  resources,
  str,
  type TfModule,
} from "./load-module.ts";
import { copyModule, removeCopy } from "./mutate.ts";
import { MODULE_DIR } from "./paths.ts";

// The wiring's types name only today's functions and routes: these two are what the next
// wiring entries would look like (a creating route on the collection, an S3-triggered worker).
const CREATE_MOVIE = {
  name: "create-movie",
  entry: "src/functions/create-movie.ts",
  zip: "dist/create-movie.zip",
  trigger: { kind: "http", method: "POST", path: "/movies", authorization: "AWS_IAM" },
  tableActions: ["dynamodb:PutItem"],
  bucketGrants: [],
  bucketListPrefixes: [],
  stateMachineActions: [],
} as unknown as FunctionWiring;

const ARCHIVE_SNAPSHOTS = {
  name: "archive-snapshots",
  entry: "src/functions/archive-snapshots.ts",
  zip: "dist/archive-snapshots.zip",
  trigger: { kind: "s3", events: ["s3:ObjectCreated:*"] },
  tableActions: [],
  bucketGrants: [{ actions: ["s3:GetObject"], prefix: "" }],
  bucketListPrefixes: [],
  stateMachineActions: [],
} as unknown as FunctionWiring;

const ADDED = [CREATE_MOVIE, ARCHIVE_SNAPSHOTS];
const WIRING = [...FUNCTIONS, ...ADDED];

let copy: string;
let mod: TfModule;

beforeAll(async () => {
  copy = await copyModule(MODULE_DIR);
  await writeFile(path.join(copy, path.basename(FUNCTIONS_JSON)), functionsJson(WIRING));
  mod = await loadModule(copy);
});

afterAll(async () => {
  await removeCopy(copy);
});

describe("adding a function to the wiring", () => {
  it("passes every check held to the wiring with the new functions", () => {
    for (const [name, check] of Object.entries(ALL_CHECKS)) {
      expect(check(mod, WIRING), name).toEqual([]);
    }
  });

  it("is noticed by the checks held to today's wiring (they count the functions)", () => {
    expect(checkFunctions(mod)).toContain(
      `expected ${FUNCTIONS.length} aws_lambda_function (wiring.ts), found ${WIRING.length}`,
    );
  });

  it.each(ADDED)("plans $name with its own role, policy and log group", (fn) => {
    const lambda = functionResource(mod, fn);
    expect(lambda, fn.name).toBeDefined();
    if (!lambda) return;
    expect(str(lambda.block, "filename")).toMatch(new RegExp(`/${path.basename(fn.zip)}$`));
    const role = byAddress(mod, reference(attr(lambda.block, "role")));
    expect(role?.type).toBe("aws_iam_role");
    const policies = resources(mod, "aws_iam_role_policy").filter((p) =>
      reference(attr(p.block, "role"))?.startsWith(`${role?.address}.`),
    );
    const actions = policies.flatMap((p) =>
      nested(policyDocument(mod, attr(p.block, "policy"))?.block, "statement").flatMap(
        (s) => (attr(s, "actions") as string[] | undefined) ?? [],
      ),
    );
    for (const action of [...fn.tableActions, ...fn.bucketGrants.flatMap((g) => g.actions)]) {
      expect(actions).toContain(action);
    }
    const group = functionLogGroup(mod, lambda);
    expect(str(group?.block, "name")).toBe(`/aws/lambda/${str(lambda.block, "function_name")}`);
  });

  it("routes the HTTP-triggered one, and lets only its route invoke it", () => {
    const lambda = functionResource(mod, CREATE_MOVIE);
    const trigger = CREATE_MOVIE.trigger;
    if (trigger.kind !== "http" || !lambda) throw new Error("create-movie is HTTP-triggered");
    const methods = resources(mod, "aws_api_gateway_method").filter(
      (m) => str(m.block, "http_method") === trigger.method,
    );
    const collection = methods.find(
      (m) =>
        byAddress(mod, reference(attr(m.block, "resource_id")))?.block["path_part"] === "movies",
    );
    expect(collection).toBeDefined();
    const permissions = resources(mod, "aws_lambda_permission").filter(
      (p) => reference(attr(p.block, "function_name")) === `${lambda.address}.function_name`,
    );
    expect(permissions.map((p) => str(p.block, "source_arn"))).toEqual([
      routeSourceArn("aws_api_gateway_rest_api.movies", trigger),
    ]);
  });

  it("notifies the S3-triggered one, keeps its failures and lets only the bucket invoke it", () => {
    const lambda = functionResource(mod, ARCHIVE_SNAPSHOTS);
    if (!lambda) throw new Error("archive-snapshots is not planned");
    const targets = nested(
      resources(mod, "aws_s3_bucket_notification")[0]?.block,
      "lambda_function",
    );
    expect(targets.map((t) => reference(attr(t, "lambda_function_arn")))).toContain(
      `${lambda.address}.arn`,
    );
    expect(failureQueue(mod, lambda)?.type).toBe("aws_sqs_queue");
    const permissions = resources(mod, "aws_lambda_permission").filter(
      (p) => reference(attr(p.block, "function_name")) === `${lambda.address}.function_name`,
    );
    expect(permissions.map((p) => str(p.block, "principal"))).toEqual(["s3.amazonaws.com"]);
  });
});
