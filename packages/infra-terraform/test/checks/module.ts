/**
 * What every check of the module shares: the Check type, the fixed values the functions run
 * with, and how a check finds things in the parsed module (a wiring function's resources, the
 * block an attribute references, a local's expression).
 */
import path from "node:path";
import {
  FUNCTIONS,
  type FunctionWiring,
  type HttpRoute,
} from "../../../adapters-lambda/src/wiring.ts";
import { sourcePath } from "../../scripts/write-functions.ts";
import {
  addressOf,
  attr,
  isObject,
  type NamedBlock,
  reference,
  resources,
  single,
  str,
  type TfModule,
} from "../load-module.ts";

/**
 * A check of the module against the wiring's functions: FUNCTIONS, or (to prove that adding a
 * function is one wiring entry) FUNCTIONS and one more.
 */
export type Check = (mod: TfModule, functions?: readonly FunctionWiring[]) => string[];

export const RUNTIME = "nodejs24.x";

export const ARCHITECTURE = "arm64";

export const HANDLER = "index.handler";

/** Actions every function role gets besides its wiring actions. */
export const LOG_ACTIONS = ["logs:CreateLogStream", "logs:PutLogEvents"] as const;

export const XRAY_ACTIONS = ["xray:PutTraceSegments", "xray:PutTelemetryRecords"] as const;

/** What an on-failure destination needs (asynchronously invoked functions only). */
export const DESTINATION_ACTIONS = ["sqs:SendMessage"] as const;

/** Whether the stage logs: only where the region's API Gateway CloudWatch role is set. */
export const API_LOGGING = "local.api_logging";

/** The resource types of the seed's action plan and how many of each at least. */
export function requiredResourceTypes(
  functions: readonly FunctionWiring[] = FUNCTIONS,
): ReadonlyArray<readonly [string, number]> {
  return [
    ["aws_dynamodb_table", 1],
    ["aws_s3_bucket", 1],
    ["aws_iam_role", functions.length],
    ["aws_lambda_function", functions.length],
    ["aws_api_gateway_rest_api", 1],
    ["aws_api_gateway_resource", 1],
    ["aws_api_gateway_method", httpFunctions(functions).length],
    ["aws_api_gateway_integration", httpFunctions(functions).length],
    ["aws_api_gateway_deployment", 1],
    ["aws_api_gateway_stage", 1],
    ["aws_lambda_permission", functions.filter((fn) => !isStateMachineTask(fn)).length],
    ["aws_s3_bucket_notification", 1],
  ];
}

export function httpFunctions(
  functions: readonly FunctionWiring[] = FUNCTIONS,
): Array<FunctionWiring & { readonly trigger: HttpRoute }> {
  return functions.filter(
    (fn): fn is FunctionWiring & { readonly trigger: HttpRoute } => fn.trigger.kind === "http",
  );
}

/** Asynchronously invoked functions (S3 notifications) need an on-failure destination. */
export function isAsync(fn: FunctionWiring): boolean {
  return fn.trigger.kind === "s3";
}

/** Functions the fan-out state machine invokes: its role does, no invoke permission. */
export function isStateMachineTask(fn: FunctionWiring): boolean {
  return fn.trigger.kind === "state-machine";
}

/** The deployed function name: the wiring name behind the name prefix. */
export function expectedFunctionName(fn: FunctionWiring): string {
  return `\${var.name_prefix}-${fn.name}`;
}

/** Where the module must read a zip: the wiring zip's file name under local.lambda_dist_dir. */
export function expectedZipPath(fn: FunctionWiring): string {
  return `\${local.lambda_dist_dir}/${path.posix.basename(fn.zip)}`;
}

/** NODE_OPTIONS of every function: stack traces through the bundles' source maps. */
export const NODE_OPTIONS = "--enable-source-maps";

/** API Gateway source ARN of a route: any stage, its method, path parameters as `*`. */
export function routeSourceArn(
  api: string,
  route: Pick<HttpRoute, "path"> & { readonly method: string },
): string {
  return `\${${api}.execution_arn}/*/${route.method}${sourcePath(route.path)}`;
}

/** The resource an address (or a traversal from it) names; `aws_x.f[0]` names `aws_x.f`. */
export function byAddress(mod: TfModule, ref: string | undefined): NamedBlock | undefined {
  const address = addressOf(ref)?.replace(/\[\d+\]$/, "");
  const [type, ...name] = address?.split(".") ?? [];
  return type ? resources(mod, type).find((r) => r.name === name.join(".")) : undefined;
}

/** The resource an attribute references: "${aws_x.name.attr}" gives aws_x.name if attr matches. */
export function referenced(
  mod: TfModule,
  value: unknown,
  type: string,
  attributes: readonly string[],
): NamedBlock | undefined {
  const ref = reference(value);
  const address = addressOf(ref);
  const attribute = address && ref?.slice(address.length);
  if (!address?.startsWith(`${type}.`) || !attributes.some((a) => attribute === `.${a}`)) {
    return undefined;
  }
  return byAddress(mod, address);
}

/** The aws_lambda_function of a wiring function, found by its function_name. */
export function functionResource(mod: TfModule, fn: FunctionWiring): NamedBlock | undefined {
  const matches = resources(mod, "aws_lambda_function").filter(
    (r) => str(r.block, "function_name") === expectedFunctionName(fn),
  );
  return matches.length === 1 ? matches[0] : undefined;
}

export function onlyOne(mod: TfModule, type: string, violations: string[]): NamedBlock | undefined {
  const all = resources(mod, type);
  if (all.length !== 1) {
    violations.push(`expected exactly one ${type}, found ${all.length}`);
    return undefined;
  }
  return all[0];
}

export function positive(value: unknown): boolean {
  return typeof value === "number" && value > 0;
}

export function sameSet(a: readonly string[], b: readonly string[]): boolean {
  const left = new Set(a);
  const right = new Set(b);
  return left.size === right.size && [...left].every((item) => right.has(item));
}

/** The log group a function writes to (logging_config.log_group), if it is one of the module. */
export function functionLogGroup(mod: TfModule, lambda: NamedBlock): NamedBlock | undefined {
  return referenced(
    mod,
    attr(single(lambda.block, "logging_config"), "log_group"),
    "aws_cloudwatch_log_group",
    ["name"],
  );
}

/** The aws_lambda_function_event_invoke_config of a function, if any. */
export function invokeConfig(mod: TfModule, lambda: NamedBlock): NamedBlock | undefined {
  return resources(mod, "aws_lambda_function_event_invoke_config").find((c) =>
    reference(attr(c.block, "function_name"))?.startsWith(`${lambda.address}.`),
  );
}

/** The SQS queue of a function's on-failure destination, if any. */
export function failureQueue(mod: TfModule, lambda: NamedBlock): NamedBlock | undefined {
  const config = invokeConfig(mod, lambda);
  const onFailure = single(single(config?.block, "destination_config"), "on_failure");
  return referenced(mod, attr(onFailure, "destination"), "aws_sqs_queue", ["arn"]);
}

export function forBucket(mod: TfModule, type: string, bucket: NamedBlock): NamedBlock | undefined {
  return resources(mod, type).find(
    (r) =>
      referenced(mod, attr(r.block, "bucket"), "aws_s3_bucket", ["id", "bucket"])?.address ===
      bucket.address,
  );
}

export function refersTo(value: unknown, address: string): boolean {
  const ref = reference(value)?.replace(/\[\d+\]/g, "");
  return ref === address || (ref?.startsWith(`${address}.`) ?? false);
}

/** The value of `${local.x}` as written in the module's locals (literal or expression). */
export function localValue(mod: TfModule, value: unknown): unknown {
  const ref = reference(value);
  if (!ref?.startsWith("local.")) {
    return value;
  }
  const name = ref.slice("local.".length);
  const blocks = mod.json["locals"];
  for (const block of Array.isArray(blocks) ? blocks.filter(isObject) : []) {
    if (name in block) {
      return block[name];
    }
  }
  return undefined;
}
