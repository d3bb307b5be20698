/**
 * The functions: functions.json is the wiring's, and there is one function per wiring entry, with
 * its runtime, zip, handler, environment, role and limits.
 */
import { readFileSync } from "node:fs";
import path from "node:path";
import { ENV, FUNCTIONS } from "../../../adapters-lambda/src/wiring.ts";
import { FUNCTIONS_JSON, functionsJson } from "../../scripts/write-functions.ts";
import {
  attr,
  isObject,
  resolved,
  resources,
  resourceTypes,
  single,
  str,
  strList,
} from "../load-module.ts";
import {
  ARCHITECTURE,
  type Check,
  expectedFunctionName,
  expectedZipPath,
  functionResource,
  HANDLER,
  isAsync,
  isStateMachineTask,
  localValue,
  NODE_OPTIONS,
  positive,
  RUNTIME,
  referenced,
  requiredResourceTypes,
  sameSet,
} from "./module.ts";

export const API_GATEWAY_TIMEOUT_SECONDS = 29;

/** functions.json, which the module iterates, is what scripts/write-functions.ts writes. */
export const checkFunctionsJson: Check = (mod, functions = FUNCTIONS) => {
  const file = path.basename(FUNCTIONS_JSON);
  let written: string;
  try {
    written = readFileSync(path.join(mod.dir, file), "utf8");
  } catch {
    return [`${file} is missing`];
  }
  return written === functionsJson(functions)
    ? []
    : [
        `${file} differs from FUNCTIONS (adapters-lambda/src/wiring.ts): run node packages/infra-terraform/scripts/write-functions.ts`,
      ];
};

/** Every resource type of the seed's action plan is present. */
export const checkResourceTypes: Check = (mod, functions = FUNCTIONS) => {
  const counts = resourceTypes(mod);
  return requiredResourceTypes(functions).flatMap(([type, atLeast]) => {
    const count = counts.get(type) ?? 0;
    return count >= atLeast
      ? []
      : [`resource type ${type}: expected at least ${atLeast}, found ${count}`];
  });
};

/** One function per wiring entry, with its runtime, zip, handler, environment, role and limits. */
export const checkFunctions: Check = (mod, functions = FUNCTIONS) => {
  const violations: string[] = [];
  const all = resources(mod, "aws_lambda_function");
  if (all.length !== functions.length) {
    violations.push(
      `expected ${functions.length} aws_lambda_function (wiring.ts), found ${all.length}`,
    );
  }
  const roles = new Map<string, string>();
  for (const fn of functions) {
    const lambda = functionResource(mod, fn);
    if (!lambda) {
      violations.push(
        `${fn.name}: no single aws_lambda_function with function_name ${expectedFunctionName(fn)}`,
      );
      continue;
    }
    const b = lambda.block;
    const where = `${fn.name} (${lambda.address})`;
    if (str(b, "runtime") !== RUNTIME) {
      violations.push(`${where}: runtime ${String(attr(b, "runtime"))}, expected ${RUNTIME}`);
    }
    const architectures = strList(b, "architectures");
    if (!architectures || !sameSet(architectures, [ARCHITECTURE])) {
      violations.push(
        `${where}: architectures ${JSON.stringify(attr(b, "architectures"))}, expected ["${ARCHITECTURE}"]`,
      );
    }
    if (str(b, "handler") !== HANDLER) {
      violations.push(`${where}: handler ${String(attr(b, "handler"))}, expected ${HANDLER}`);
    }
    const zip = expectedZipPath(fn);
    if (str(b, "filename") !== zip) {
      violations.push(
        `${where}: filename ${String(attr(b, "filename"))}, expected ${zip} (wiring zip ${fn.zip})`,
      );
    }
    const hash = `\${filebase64sha256("${zip}")}`;
    if (str(b, "source_code_hash") !== hash) {
      violations.push(
        `${where}: source_code_hash ${String(attr(b, "source_code_hash"))}, expected ${hash}`,
      );
    }

    const variables = attr(single(b, "environment"), "variables");
    const env = isObject(variables) ? variables : {};
    const table = referenced(mod, env[ENV.table], "aws_dynamodb_table", ["name", "id"]);
    if (!table) {
      violations.push(`${where}: environment ${ENV.table} must be the table's name`);
    }
    const bucket = referenced(mod, env[ENV.bucket], "aws_s3_bucket", ["bucket", "id"]);
    if (fn.bucketGrants.length > 0 ? !bucket : ENV.bucket in env && !bucket) {
      violations.push(`${where}: environment ${ENV.bucket} must be the bucket's name`);
    }
    if (localValue(mod, env["NODE_OPTIONS"]) !== NODE_OPTIONS) {
      violations.push(
        `${where}: environment NODE_OPTIONS must be ${NODE_OPTIONS} (stack traces point at the sources)`,
      );
    }
    for (const localOnly of [ENV.dynamoEndpoint, ENV.s3Endpoint]) {
      if (localOnly in env) {
        violations.push(`${where}: environment ${localOnly} is for the local stack only`);
      }
    }

    const role = referenced(mod, attr(b, "role"), "aws_iam_role", ["arn"]);
    if (!role) {
      violations.push(`${where}: role must be an aws_iam_role of this module (.arn)`);
    } else {
      const other = roles.get(role.address);
      if (other) {
        violations.push(`${where}: shares its role ${role.address} with ${other}`);
      }
      roles.set(role.address, fn.name);
    }

    const memory = resolved(mod, attr(b, "memory_size"));
    const timeout = resolved(mod, attr(b, "timeout"));
    if (isAsync(fn) || isStateMachineTask(fn)) {
      if (memory !== 1769) {
        violations.push(`${where}: memory_size by default ${String(memory)}, expected 1769`);
      }
      if (timeout !== 900) {
        violations.push(`${where}: timeout by default ${String(timeout)}, expected 900`);
      }
    } else {
      if (!positive(timeout) || (timeout as number) >= API_GATEWAY_TIMEOUT_SECONDS) {
        violations.push(
          `${where}: timeout by default ${String(timeout)}, must be below API Gateway's ${API_GATEWAY_TIMEOUT_SECONDS} s`,
        );
      }
      if (!positive(memory) || (memory as number) > 1024) {
        violations.push(
          `${where}: memory_size by default ${String(memory)}, expected a modest 128 to 1024 MB`,
        );
      }
    }
  }
  return violations;
};
