/**
 * Contract checks of the Terraform module against packages/adapters-lambda/src/wiring.ts and its
 * security and first-apply defaults. Each check returns the list of its violations (empty = passes),
 * so that the tests can run the same checks on a deliberately broken copy of the module and
 * expect the specific violation.
 */
import path from "node:path";
import {
  ENV,
  FUNCTIONS,
  type FunctionWiring,
  type HttpRoute,
} from "../../adapters-lambda/src/wiring.ts";
import {
  attr,
  dataSources,
  type HclObject,
  isObject,
  type NamedBlock,
  nested,
  reference,
  resolved,
  resources,
  resourceTypes,
  single,
  str,
  strList,
  type TfModule,
  variable,
} from "./load-module.ts";

export type Check = (mod: TfModule) => string[];

export const RUNTIME = "nodejs24.x";
export const ARCHITECTURE = "arm64";
export const HANDLER = "index.handler";
/** Actions every function role gets besides its wiring actions. */
export const LOG_ACTIONS = ["logs:CreateLogStream", "logs:PutLogEvents"] as const;
export const XRAY_ACTIONS = ["xray:PutTraceSegments", "xray:PutTelemetryRecords"] as const;
/** What an on-failure destination needs (asynchronously invoked functions only). */
export const DESTINATION_ACTIONS = ["sqs:SendMessage"] as const;
/** Services whose statements reach data: they must name this module's resources. */
const DATA_SERVICES = new Set(["dynamodb", "s3", "sqs"]);
const API_GATEWAY_TIMEOUT_SECONDS = 29;
/** Whether the stage logs: only where the region's API Gateway CloudWatch role is set. */
export const API_LOGGING = "local.api_logging";

/** The resource types of the seed's action plan and how many of each at least. */
export const REQUIRED_RESOURCE_TYPES: ReadonlyArray<readonly [string, number]> = [
  ["aws_dynamodb_table", 1],
  ["aws_s3_bucket", 1],
  ["aws_iam_role", FUNCTIONS.length],
  ["aws_lambda_function", FUNCTIONS.length],
  ["aws_api_gateway_rest_api", 1],
  ["aws_api_gateway_resource", 1],
  ["aws_api_gateway_method", httpFunctions().length],
  ["aws_api_gateway_integration", httpFunctions().length],
  ["aws_api_gateway_deployment", 1],
  ["aws_api_gateway_stage", 1],
  ["aws_lambda_permission", FUNCTIONS.length],
  ["aws_s3_bucket_notification", 1],
];

// --- wiring helpers ---------------------------------------------------------------------------

export function httpFunctions(): Array<FunctionWiring & { readonly trigger: HttpRoute }> {
  return FUNCTIONS.filter(
    (fn): fn is FunctionWiring & { readonly trigger: HttpRoute } => fn.trigger.kind === "http",
  );
}

/** Asynchronously invoked functions (S3 notifications) need an on-failure destination. */
export function isAsync(fn: FunctionWiring): boolean {
  return fn.trigger.kind === "s3";
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
function routeSourceArn(api: string, route: HttpRoute): string {
  return `\${${api}.execution_arn}/*/${route.method}${route.path.replace(/\{[^}]+\}/g, "*")}`;
}

// --- module helpers ---------------------------------------------------------------------------

export function byAddress(mod: TfModule, ref: string | undefined): NamedBlock | undefined {
  if (!ref) {
    return undefined;
  }
  const [type, name] = ref.split(".");
  if (!type || !name) {
    return undefined;
  }
  return resources(mod, type).find((r) => r.name === name.replace(/\[\d+\]$/, ""));
}

/** The resource an attribute references: "${aws_x.name.attr}" gives aws_x.name if attr matches. */
export function referenced(
  mod: TfModule,
  value: unknown,
  type: string,
  attributes: readonly string[],
): NamedBlock | undefined {
  const ref = reference(value);
  if (!ref) {
    return undefined;
  }
  const parts = ref.split(".");
  if (parts.length !== 3 || parts[0] !== type || !attributes.includes(parts[2] ?? "")) {
    return undefined;
  }
  return byAddress(mod, `${parts[0]}.${parts[1]}`);
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

function positive(value: unknown): boolean {
  return typeof value === "number" && value > 0;
}

export function sameSet(a: readonly string[], b: readonly string[]): boolean {
  const left = new Set(a);
  const right = new Set(b);
  return left.size === right.size && [...left].every((item) => right.has(item));
}

function describeStatement(doc: string, statement: HclObject, index: number): string {
  return `${doc} statement ${str(statement, "sid") ?? `#${index + 1}`}`;
}

// --- policies ---------------------------------------------------------------------------------

export interface Statement {
  readonly where: string;
  readonly effect: string;
  readonly actions: readonly string[];
  readonly resources: readonly string[];
  readonly block: HclObject;
}

function statementsOf(doc: NamedBlock): Statement[] {
  return nested(doc.block, "statement").map((statement, index) => ({
    where: describeStatement(doc.address, statement, index),
    effect: str(statement, "effect") ?? "Allow",
    actions: strList(statement, "actions") ?? [],
    resources: strList(statement, "resources") ?? [],
    block: statement,
  }));
}

/** The aws_iam_policy_document a policy attribute is set to (`data.….json`), if any. */
function policyDocument(mod: TfModule, value: unknown): NamedBlock | undefined {
  const ref = reference(value);
  const match = ref && /^data\.aws_iam_policy_document\.([\w-]+)\.json$/.exec(ref);
  if (!match) {
    return undefined;
  }
  return dataSources(mod, "aws_iam_policy_document").find((d) => d.name === match[1]);
}

/** Attributes that hold a policy document, by resource type. */
const POLICY_ATTRIBUTES: ReadonlyArray<readonly [string, string]> = [
  ["aws_iam_role", "assume_role_policy"],
  ["aws_iam_role_policy", "policy"],
  ["aws_iam_policy", "policy"],
  ["aws_s3_bucket_policy", "policy"],
  ["aws_sqs_queue_policy", "policy"],
  ["aws_lambda_function_url", "policy"],
  ["aws_api_gateway_rest_api_policy", "policy"],
];

// --- checks -----------------------------------------------------------------------------------

/** Every resource type of the seed's action plan is present. */
export const checkResourceTypes: Check = (mod) => {
  const counts = resourceTypes(mod);
  return REQUIRED_RESOURCE_TYPES.flatMap(([type, atLeast]) => {
    const count = counts.get(type) ?? 0;
    return count >= atLeast
      ? []
      : [`resource type ${type}: expected at least ${atLeast}, found ${count}`];
  });
};

/** One function per wiring entry, with its runtime, zip, handler, environment, role and limits. */
export const checkFunctions: Check = (mod) => {
  const violations: string[] = [];
  const all = resources(mod, "aws_lambda_function");
  if (all.length !== FUNCTIONS.length) {
    violations.push(
      `expected ${FUNCTIONS.length} aws_lambda_function (wiring.ts), found ${all.length}`,
    );
  }
  const roles = new Map<string, string>();
  for (const fn of FUNCTIONS) {
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

    const role = reference(attr(b, "role"));
    const roleMatch = role && /^aws_iam_role\.([\w-]+)\.arn$/.exec(role);
    if (!roleMatch?.[1]) {
      violations.push(`${where}: role must be an aws_iam_role of this module (.arn)`);
    } else {
      const other = roles.get(roleMatch[1]);
      if (other) {
        violations.push(`${where}: shares its role aws_iam_role.${roleMatch[1]} with ${other}`);
      }
      roles.set(roleMatch[1], fn.name);
    }

    const memory = resolved(mod, attr(b, "memory_size"));
    const timeout = resolved(mod, attr(b, "timeout"));
    if (isAsync(fn)) {
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

/** The log group a function writes to (logging_config.log_group), if it is one of the module. */
function functionLogGroup(mod: TfModule, lambda: NamedBlock): NamedBlock | undefined {
  return referenced(
    mod,
    attr(single(lambda.block, "logging_config"), "log_group"),
    "aws_cloudwatch_log_group",
    ["name"],
  );
}

/** The aws_lambda_function_event_invoke_config of a function, if any. */
function invokeConfig(mod: TfModule, lambda: NamedBlock): NamedBlock | undefined {
  return resources(mod, "aws_lambda_function_event_invoke_config").find((c) =>
    reference(attr(c.block, "function_name"))?.startsWith(`${lambda.address}.`),
  );
}

/** The SQS queue of a function's on-failure destination, if any. */
function failureQueue(mod: TfModule, lambda: NamedBlock): NamedBlock | undefined {
  const config = invokeConfig(mod, lambda);
  const onFailure = single(single(config?.block, "destination_config"), "on_failure");
  return referenced(mod, attr(onFailure, "destination"), "aws_sqs_queue", ["arn"]);
}

/**
 * Each function role allows exactly: the wiring's tableActions on the table, its bucketGrants on
 * the bucket's objects under each grant's prefix, logs on its own log group, X-Ray, and for an
 * asynchronously invoked function sqs:SendMessage on its failure queue. Compared both ways, as
 * actions and as (action, resource) pairs.
 */
export const checkIamPolicies: Check = (mod) => {
  const violations: string[] = [];
  const table = resources(mod, "aws_dynamodb_table")[0];
  const bucket = resources(mod, "aws_s3_bucket")[0];
  for (const fn of FUNCTIONS) {
    const lambda = functionResource(mod, fn);
    const roleRef = reference(attr(lambda?.block, "role"));
    const role = lambda && byAddress(mod, roleRef?.split(".").slice(0, 2).join("."));
    if (!lambda || !role || role.type !== "aws_iam_role") {
      violations.push(`${fn.name}: no role to check`);
      continue;
    }
    const who = `${fn.name} (${role.address})`;

    // Trust: only Lambda may assume the role.
    const trust = policyDocument(mod, attr(role.block, "assume_role_policy"));
    const trustStatements = trust ? statementsOf(trust) : [];
    const lambdaOnly =
      trustStatements.length > 0 &&
      trustStatements.every((s) => {
        const principals = nested(s.block, "principals");
        return (
          s.effect === "Allow" &&
          sameSet(s.actions, ["sts:AssumeRole"]) &&
          principals.length === 1 &&
          str(principals[0], "type") === "Service" &&
          sameSet(strList(principals[0], "identifiers") ?? [], ["lambda.amazonaws.com"])
        );
      });
    if (!lambdaOnly) {
      violations.push(
        `${who}: the trust policy must let only lambda.amazonaws.com assume the role`,
      );
    }

    // Permissions: inline aws_iam_role_policy documents only, so that they can be read here.
    violations.push(...unreadablePolicies(mod, role, who));
    const statements: Statement[] = [];
    for (const policy of resources(mod, "aws_iam_role_policy")) {
      if (!reference(attr(policy.block, "role"))?.startsWith(`${role.address}.`)) {
        continue;
      }
      const doc = policyDocument(mod, attr(policy.block, "policy"));
      if (!doc) {
        violations.push(`${who}: ${policy.address} policy is not an aws_iam_policy_document`);
        continue;
      }
      statements.push(...statementsOf(doc));
    }
    const allowed = statements.filter((s) => s.effect === "Allow");

    // What wiring.ts says, plus the fixed sets.
    const expected: Array<readonly [string, string]> = [];
    if (table) {
      for (const action of fn.tableActions) {
        expected.push([action, `\${${table.address}.arn}`]);
      }
    }
    if (bucket) {
      for (const grant of fn.bucketGrants) {
        for (const action of grant.actions) {
          expected.push([action, `\${${bucket.address}.arn}/${grant.prefix}*`]);
        }
      }
    }
    const logGroup = functionLogGroup(mod, lambda);
    if (!logGroup) {
      violations.push(`${who}: the function has no log group of this module`);
    }
    for (const action of LOG_ACTIONS) {
      expected.push([action, logGroup ? `\${${logGroup.address}.arn}:*` : "?"]);
    }
    for (const action of XRAY_ACTIONS) {
      expected.push([action, "*"]);
    }
    if (isAsync(fn)) {
      const queue = failureQueue(mod, lambda);
      for (const action of DESTINATION_ACTIONS) {
        expected.push([action, queue ? `\${${queue.address}.arn}` : "?"]);
      }
    }

    const actual = allowed.flatMap((s) =>
      s.actions.flatMap((a) => s.resources.map((r) => [a, r] as const)),
    );
    const expectedActions = new Set(expected.map(([a]) => a));
    const actualActions = new Set(allowed.flatMap((s) => s.actions));
    for (const action of actualActions) {
      if (!expectedActions.has(action)) {
        violations.push(`${who}: extra action ${action} (not in wiring.ts nor the fixed sets)`);
      }
    }
    for (const action of expectedActions) {
      if (!actualActions.has(action)) {
        violations.push(`${who}: missing action ${action}`);
      }
    }
    // Scope of the actions both sides agree on.
    const key = ([a, r]: readonly [string, string]) => `${a} on ${r}`;
    const expectedPairs = new Set(expected.map(key));
    const actualPairs = new Set(actual.map(key));
    for (const pair of actual) {
      if (expectedActions.has(pair[0]) && !expectedPairs.has(key(pair))) {
        violations.push(`${who}: ${key(pair)} is not allowed by wiring.ts`);
      }
    }
    for (const pair of expected) {
      if (actualActions.has(pair[0]) && !actualPairs.has(key(pair))) {
        violations.push(`${who}: missing ${key(pair)}`);
      }
    }
  }
  return violations;
};

/**
 * No Allow statement anywhere grants a wildcard action (`*`, `service:*`, `s3:Get*`) or uses
 * NotAction/NotResource; Resource "*" only for the X-Ray actions; statements on data (DynamoDB,
 * S3, SQS) name this module's resources. Deny statements may use wildcards: they only take away.
 * Every policy attribute is an aws_iam_policy_document so that all of this can be read.
 */
export const checkNoWildcards: Check = (mod) => {
  const violations: string[] = [];
  for (const [type, attribute] of POLICY_ATTRIBUTES) {
    for (const r of resources(mod, type)) {
      if (attribute in r.block && !policyDocument(mod, r.block[attribute])) {
        violations.push(
          `${r.address}.${attribute} must be an aws_iam_policy_document (readable by the checks)`,
        );
      }
    }
  }
  for (const permission of resources(mod, "aws_lambda_permission")) {
    if (str(permission.block, "action")?.includes("*")) {
      violations.push(
        `${permission.address}: wildcard action "${str(permission.block, "action")}"`,
      );
    }
  }
  const dataResource =
    /^\$\{(aws_dynamodb_table|aws_sqs_queue)\.[\w-]+\.arn\}$|^\$\{aws_s3_bucket\.[\w-]+\.arn\}(\/[^*]*\*)?$/;
  for (const doc of dataSources(mod, "aws_iam_policy_document")) {
    for (const s of statementsOf(doc)) {
      if (s.effect !== "Allow") {
        continue;
      }
      for (const action of s.actions) {
        if (action.includes("*")) {
          violations.push(`${s.where}: wildcard action "${action}"`);
        }
      }
      for (const negated of ["not_actions", "not_resources"]) {
        if (negated in s.block) {
          violations.push(`${s.where}: ${negated} in an Allow statement`);
        }
      }
      if (
        s.resources.includes("*") &&
        !s.actions.every((a) => (XRAY_ACTIONS as readonly string[]).includes(a))
      ) {
        violations.push(
          `${s.where}: wildcard resource "*" is only allowed for ${XRAY_ACTIONS.join(", ")}`,
        );
      }
      const touchesData = s.actions.some((a) => DATA_SERVICES.has(a.split(":")[0] ?? ""));
      if (touchesData) {
        for (const resource of s.resources) {
          if (!dataResource.test(resource)) {
            violations.push(
              `${s.where}: data resource "${resource}" is not a table, bucket (object prefix) or queue of this module`,
            );
          }
        }
      }
    }
  }
  return violations;
};

/**
 * The API serves exactly wiring's http routes with their default authorization, each an
 * AWS_PROXY integration to its function, invocable only from this API for that method and path;
 * the deployment is replaced when routes change; the stage logs, traces and throttles.
 */
export const checkApi: Check = (mod) => {
  const violations: string[] = [];
  const api = onlyOne(mod, "aws_api_gateway_rest_api", violations);
  if (!api) {
    return violations;
  }

  const pathOf = (resource: NamedBlock | undefined, depth = 0): string | undefined => {
    if (!resource || depth > 20) {
      return undefined;
    }
    const parent = reference(attr(resource.block, "parent_id"));
    const part = str(resource.block, "path_part");
    if (!part) {
      return undefined;
    }
    if (parent === `${api.address}.root_resource_id`) {
      return `/${part}`;
    }
    const parentPath = pathOf(byAddress(mod, parent?.replace(/\.id$/, "")), depth + 1);
    return parentPath && `${parentPath}/${part}`;
  };

  interface Route {
    readonly method: NamedBlock;
    readonly key: string;
    readonly resourceId: string;
    readonly authorization: unknown;
  }
  const routes: Route[] = resources(mod, "aws_api_gateway_method").map((method) => {
    const resourceId = String(attr(method.block, "resource_id"));
    const resourceRef = reference(resourceId);
    const routePath =
      resourceRef === `${api.address}.root_resource_id`
        ? "/"
        : pathOf(byAddress(mod, resourceRef?.replace(/\.id$/, "")));
    return {
      method,
      key: `${String(attr(method.block, "http_method"))} ${routePath ?? "?"}`,
      resourceId,
      authorization: resolved(mod, attr(method.block, "authorization")),
    };
  });
  const expected = httpFunctions();
  const expectedKeys = new Set(expected.map((fn) => `${fn.trigger.method} ${fn.trigger.path}`));
  for (const route of routes) {
    if (!expectedKeys.has(route.key)) {
      violations.push(`route ${route.key} (${route.method.address}) is not in wiring.ts`);
    }
  }

  for (const fn of expected) {
    const { trigger } = fn;
    const key = `${trigger.method} ${trigger.path}`;
    const matching = routes.filter((r) => r.key === key);
    if (matching.length !== 1) {
      violations.push(
        `route ${key} (${fn.name}): expected one aws_api_gateway_method, found ${matching.length}`,
      );
      continue;
    }
    const route = matching[0] as Route;
    if (route.authorization !== trigger.authorization) {
      violations.push(
        `route ${key}: authorization by default is ${String(route.authorization)}, wiring.ts says ${trigger.authorization}`,
      );
    }
    const lambda = functionResource(mod, fn);
    if (!lambda) {
      violations.push(`route ${key}: no function ${fn.name}`);
      continue;
    }
    const integrations = resources(mod, "aws_api_gateway_integration").filter(
      (i) =>
        attr(i.block, "resource_id") === route.resourceId &&
        (attr(i.block, "http_method") === trigger.method ||
          reference(attr(i.block, "http_method")) === `${route.method.address}.http_method`),
    );
    const integration = integrations[0];
    if (integrations.length !== 1 || !integration) {
      violations.push(`route ${key}: expected one integration, found ${integrations.length}`);
    } else {
      if (str(integration.block, "type") !== "AWS_PROXY") {
        violations.push(`route ${key}: integration type must be AWS_PROXY`);
      }
      if (str(integration.block, "integration_http_method") !== "POST") {
        violations.push(`route ${key}: integration_http_method must be POST (Lambda invoke)`);
      }
      if (reference(attr(integration.block, "uri")) !== `${lambda.address}.invoke_arn`) {
        violations.push(
          `route ${key}: integration uri ${String(attr(integration.block, "uri"))} is not ${lambda.address}.invoke_arn (${fn.name})`,
        );
      }
    }
    const sourceArn = routeSourceArn(api.address, trigger);
    const permissions = resources(mod, "aws_lambda_permission").filter(
      (p) =>
        reference(attr(p.block, "function_name"))?.startsWith(`${lambda.address}.`) &&
        str(p.block, "principal") === "apigateway.amazonaws.com",
    );
    if (
      !permissions.some(
        (p) =>
          str(p.block, "source_arn") === sourceArn &&
          str(p.block, "action") === "lambda:InvokeFunction",
      )
    ) {
      violations.push(
        `route ${key}: no aws_lambda_permission for ${fn.name} with source_arn ${sourceArn}`,
      );
    }
  }
  for (const p of resources(mod, "aws_lambda_permission")) {
    if (str(p.block, "principal") !== "apigateway.amazonaws.com") {
      continue;
    }
    if (!str(p.block, "source_arn")?.startsWith(`\${${api.address}.execution_arn}/`)) {
      violations.push(`${p.address}: source_arn must be scoped to ${api.address}.execution_arn`);
    }
  }

  const deployment = onlyOne(mod, "aws_api_gateway_deployment", violations);
  if (deployment) {
    const triggers = attr(deployment.block, "triggers");
    const text = isObject(triggers) ? JSON.stringify(triggers) : "";
    const watched = [
      ...resources(mod, "aws_api_gateway_resource"),
      ...resources(mod, "aws_api_gateway_method"),
      ...resources(mod, "aws_api_gateway_integration"),
      ...resources(mod, "aws_api_gateway_gateway_response"),
    ];
    for (const r of watched) {
      if (!new RegExp(`\\b${r.address.replace(".", "\\.")}\\b`).test(text)) {
        violations.push(
          `${deployment.address}: triggers do not cover ${r.address}, so changing it would not redeploy`,
        );
      }
    }
    if (attr(single(deployment.block, "lifecycle"), "create_before_destroy") !== true) {
      violations.push(`${deployment.address}: lifecycle create_before_destroy must be true`);
    }
  }

  const stage = onlyOne(mod, "aws_api_gateway_stage", violations);
  if (stage) {
    if (
      deployment &&
      reference(attr(stage.block, "deployment_id")) !== `${deployment.address}.id`
    ) {
      violations.push(`${stage.address}: deployment_id must be ${deployment.address}.id`);
    }
    // Stage logs need the region's API Gateway CloudWatch role: on with local.api_logging only.
    const dynamicBlocks = attr(stage.block, "dynamic");
    const access = nested(
      isObject(dynamicBlocks) ? dynamicBlocks : undefined,
      "access_log_settings",
    );
    const group = new RegExp(
      `^\\$\\{${API_LOGGING.replace(".", "\\.")} \\? \\[(aws_cloudwatch_log_group\\.[\\w-]+)\\.arn\\] : \\[\\]\\}$`,
    ).exec(str(access[0], "for_each") ?? "")?.[1];
    const content = single(access[0], "content");
    if (
      !group ||
      !byAddress(mod, group) ||
      str(content, "destination_arn") !== `\${access_log_settings.value}` ||
      !str(content, "format")
    ) {
      violations.push(
        `${stage.address}: access logs must go to a log group of this module when ${API_LOGGING}, with a format`,
      );
    }
    if (attr(stage.block, "xray_tracing_enabled") !== true) {
      violations.push(`${stage.address}: xray_tracing_enabled must be true`);
    }
    const settings = resources(mod, "aws_api_gateway_method_settings").filter(
      (s) => reference(attr(s.block, "stage_name")) === `${stage.address}.stage_name`,
    );
    const all = settings.find((s) => str(s.block, "method_path") === "*/*");
    const values = single(all?.block, "settings");
    if (!values) {
      violations.push(`${stage.address}: no aws_api_gateway_method_settings for "*/*"`);
    } else {
      if (attr(values, "metrics_enabled") !== true) {
        violations.push(`${all?.address}: metrics_enabled must be true`);
      }
      if (attr(values, "logging_level") !== `\${${API_LOGGING} ? "ERROR" : "OFF"}`) {
        violations.push(
          `${all?.address}: logging_level must be ERROR when ${API_LOGGING}, else OFF`,
        );
      }
      for (const limit of ["throttling_rate_limit", "throttling_burst_limit"]) {
        if (!positive(resolved(mod, values[limit]))) {
          violations.push(`${all?.address}: ${limit} must be set above 0`);
        }
      }
    }
  }

  const patch = variable(mod, "patch_authorization");
  const condition = JSON.stringify(attr(patch, "validation") ?? "");
  if (!patch || !condition.includes("AWS_IAM") || !condition.includes("NONE")) {
    violations.push("variable patch_authorization must exist and be validated to AWS_IAM or NONE");
  }
  return violations;
};

/** The bucket notifies exactly wiring's S3-triggered functions with its events, unfiltered. */
export const checkNotification: Check = (mod) => {
  const violations: string[] = [];
  const notification = onlyOne(mod, "aws_s3_bucket_notification", violations);
  const bucket = onlyOne(mod, "aws_s3_bucket", violations);
  if (!notification || !bucket) {
    return violations;
  }
  const where = notification.address;
  if (!referenced(mod, attr(notification.block, "bucket"), "aws_s3_bucket", ["id", "bucket"])) {
    violations.push(`${where}: bucket must be ${bucket.address}`);
  }
  const configs = nested(notification.block, "lambda_function");
  const s3Functions = FUNCTIONS.filter((fn) => fn.trigger.kind === "s3");
  const dependsOn = (attr(notification.block, "depends_on") as unknown[] | undefined) ?? [];
  for (const config of configs) {
    const target = reference(attr(config, "lambda_function_arn"));
    if (!s3Functions.some((fn) => target === `${functionResource(mod, fn)?.address}.arn`)) {
      violations.push(
        `${where}: notifies ${String(attr(config, "lambda_function_arn"))}, which wiring.ts does not trigger from S3`,
      );
    }
  }
  for (const fn of s3Functions) {
    if (fn.trigger.kind !== "s3") {
      continue;
    }
    const lambda = functionResource(mod, fn);
    const mine = configs.filter(
      (c) => lambda && reference(attr(c, "lambda_function_arn")) === `${lambda.address}.arn`,
    );
    const config = mine[0];
    if (mine.length !== 1 || !config) {
      violations.push(
        `${where}: expected one lambda_function notification for ${fn.name}, found ${mine.length}`,
      );
      continue;
    }
    const events = strList(config, "events") ?? [];
    if (!sameSet(events, fn.trigger.events)) {
      violations.push(
        `${where}: ${fn.name} events ${JSON.stringify(events)}, wiring.ts says ${JSON.stringify(fn.trigger.events)}`,
      );
    }
    for (const filter of ["filter_suffix", "filter_prefix"]) {
      if (attr(config, filter) !== undefined && attr(config, filter) !== "") {
        violations.push(
          `${where}: ${fn.name} has a ${filter}, but the function picks its keys itself (S3's filters are case-sensitive)`,
        );
      }
    }
    const permission = resources(mod, "aws_lambda_permission").find(
      (p) =>
        lambda &&
        reference(attr(p.block, "function_name"))?.startsWith(`${lambda.address}.`) &&
        str(p.block, "principal") === "s3.amazonaws.com",
    );
    if (!permission) {
      violations.push(`${where}: no aws_lambda_permission lets S3 invoke ${fn.name}`);
      continue;
    }
    if (reference(attr(permission.block, "source_arn")) !== `${bucket.address}.arn`) {
      violations.push(`${permission.address}: source_arn must be ${bucket.address}.arn`);
    }
    if (!attr(permission.block, "source_account")) {
      violations.push(`${permission.address}: source_account must be set`);
    }
    if (str(permission.block, "action") !== "lambda:InvokeFunction") {
      violations.push(`${permission.address}: action must be lambda:InvokeFunction`);
    }
    if (!dependsOn.some((d) => reference(d) === permission.address)) {
      violations.push(
        `${where}: must depend on ${permission.address} (S3 checks the permission when saving)`,
      );
    }
  }
  return violations;
};

function forBucket(mod: TfModule, type: string, bucket: NamedBlock): NamedBlock | undefined {
  return resources(mod, type).find(
    (r) =>
      referenced(mod, attr(r.block, "bucket"), "aws_s3_bucket", ["id", "bucket"])?.address ===
      bucket.address,
  );
}

/** The secure defaults, and the operational ones. */
export const checkSecurityDefaults: Check = (mod) => {
  const violations: string[] = [];

  // Bucket: private, encrypted, versioned, TLS only.
  const bucket = onlyOne(mod, "aws_s3_bucket", violations);
  if (bucket) {
    const b = bucket.address;
    if (attr(bucket.block, "force_destroy") === true) {
      violations.push(`${b}: force_destroy must not be true`);
    }
    const pab = forBucket(mod, "aws_s3_bucket_public_access_block", bucket);
    for (const flag of [
      "block_public_acls",
      "block_public_policy",
      "ignore_public_acls",
      "restrict_public_buckets",
    ]) {
      if (pab?.block[flag] !== true) {
        violations.push(`${b}: public access block ${flag} must be true`);
      }
    }
    const sse = forBucket(mod, "aws_s3_bucket_server_side_encryption_configuration", bucket);
    const algorithm = str(
      single(single(sse?.block, "rule"), "apply_server_side_encryption_by_default"),
      "sse_algorithm",
    );
    if (!algorithm || !["AES256", "aws:kms", "aws:kms:dsse"].includes(algorithm)) {
      violations.push(`${b}: default server-side encryption must be configured`);
    }
    const versioning = forBucket(mod, "aws_s3_bucket_versioning", bucket);
    if (str(single(versioning?.block, "versioning_configuration"), "status") !== "Enabled") {
      violations.push(`${b}: versioning must be Enabled`);
    }
    const tlsOnly = bucketPolicyDeniesAll(mod, bucket, "Bool", "aws:SecureTransport", ["false"]);
    if (!tlsOnly) {
      violations.push(
        `${b}: the bucket policy must deny every request with aws:SecureTransport false (TLS only)`,
      );
    }
  }

  // Table: on demand, pk/sk, point-in-time recovery, encryption, deletion protection.
  const table = onlyOne(mod, "aws_dynamodb_table", violations);
  if (table) {
    const t = table.address;
    if (str(table.block, "billing_mode") !== "PAY_PER_REQUEST") {
      violations.push(`${t}: billing_mode must be PAY_PER_REQUEST`);
    }
    if (str(table.block, "hash_key") !== "pk" || str(table.block, "range_key") !== "sk") {
      violations.push(`${t}: keys must be hash pk and range sk`);
    }
    const attributes = nested(table.block, "attribute").map(
      (a) => `${str(a, "name")}:${str(a, "type")}`,
    );
    if (!sameSet(attributes, ["pk:S", "sk:S"])) {
      violations.push(`${t}: attributes must be pk (S) and sk (S)`);
    }
    if (attr(single(table.block, "point_in_time_recovery"), "enabled") !== true) {
      violations.push(`${t}: point-in-time recovery must be enabled`);
    }
    if (attr(single(table.block, "server_side_encryption"), "enabled") !== true) {
      violations.push(`${t}: server_side_encryption must be enabled`);
    }
    if (
      reference(attr(table.block, "deletion_protection_enabled")) !==
      "var.table_deletion_protection"
    ) {
      violations.push(`${t}: deletion_protection_enabled must be var.table_deletion_protection`);
    }
    if (attr(variable(mod, "table_deletion_protection"), "default") !== true) {
      violations.push("variable table_deletion_protection must default to true");
    }
  }

  // Functions: X-Ray, JSON logs into their own group; the ingest one at a time, failures kept.
  for (const fn of FUNCTIONS) {
    const lambda = functionResource(mod, fn);
    if (!lambda) {
      continue;
    }
    const where = `${fn.name} (${lambda.address})`;
    if (str(single(lambda.block, "tracing_config"), "mode") !== "Active") {
      violations.push(`${where}: X-Ray tracing_config mode must be Active`);
    }
    const logging = single(lambda.block, "logging_config");
    if (str(logging, "log_format") !== "JSON") {
      violations.push(`${where}: logging_config log_format must be JSON`);
    }
    const group = functionLogGroup(mod, lambda);
    if (!group) {
      violations.push(
        `${where}: logging_config log_group must be an aws_cloudwatch_log_group of this module`,
      );
    } else if (str(group.block, "name") !== `/aws/lambda/${str(lambda.block, "function_name")}`) {
      violations.push(`${group.address}: name must be /aws/lambda/<function_name>`);
    }
    if (isAsync(fn)) {
      const reserved = attr(lambda.block, "reserved_concurrent_executions");
      const concurrency = variable(mod, "ingest_reserved_concurrency");
      if (
        reference(reserved) !== "var.ingest_reserved_concurrency" ||
        attr(concurrency, "default") !== 1 ||
        attr(concurrency, "nullable") === false
      ) {
        violations.push(
          `${where}: reserved_concurrent_executions must be var.ingest_reserved_concurrency, 1 by default (one snapshot at a time) and nullable (accounts at the 10-execution quota)`,
        );
      }
      const queue = failureQueue(mod, lambda);
      if (!queue) {
        violations.push(
          `${where}: needs an on-failure destination (aws_lambda_function_event_invoke_config) to an SQS queue`,
        );
      } else if (
        attr(queue.block, "sqs_managed_sse_enabled") !== true &&
        !attr(queue.block, "kms_master_key_id")
      ) {
        violations.push(`${queue.address}: the failure queue must be encrypted`);
      }
    }
  }
  for (const group of resources(mod, "aws_cloudwatch_log_group")) {
    if (!positive(resolved(mod, attr(group.block, "retention_in_days")))) {
      violations.push(`${group.address}: retention_in_days must be set`);
    }
  }
  return violations;
};

// --- every other permission -------------------------------------------------------------------

/** The actions of the AWS managed policy AmazonAPIGatewayPushToCloudWatchLogs. */
export const API_GATEWAY_LOG_ACTIONS = [
  "logs:CreateLogGroup",
  "logs:CreateLogStream",
  "logs:DescribeLogGroups",
  "logs:DescribeLogStreams",
  "logs:PutLogEvents",
  "logs:GetLogEvents",
  "logs:FilterLogEvents",
] as const;
/** This account's log groups in this region, nothing wider. */
export const API_GATEWAY_LOG_RESOURCE = `arn:\${local.partition}:logs:\${var.region}:\${local.account_id}:*`;

/** `aws_x.name`, `aws_x.name.attr` or `aws_x.name[0].attr` all refer to `aws_x.name`. */
/** Managed or attached policies of a role: the checks read only inline role policy documents. */
function unreadablePolicies(mod: TfModule, role: NamedBlock, who: string): string[] {
  const violations: string[] = [];
  if ("managed_policy_arns" in role.block || "inline_policy" in role.block) {
    violations.push(`${who}: use aws_iam_role_policy, not managed_policy_arns or inline_policy`);
  }
  for (const type of ["aws_iam_role_policy_attachment", "aws_iam_policy_attachment"]) {
    for (const attachment of resources(mod, type)) {
      const roleRefs = [
        attr(attachment.block, "role"),
        ...(strList(attachment.block, "roles") ?? []),
      ];
      if (roleRefs.some((r) => refersTo(r, role.address))) {
        violations.push(
          `${who}: ${attachment.address} attaches a managed policy the checks cannot read`,
        );
      }
    }
  }
  return violations;
}

export function refersTo(value: unknown, address: string): boolean {
  const ref = reference(value)?.replace(/\[\d+\]/g, "");
  return ref === address || (ref?.startsWith(`${address}.`) ?? false);
}

function trustedServices(mod: TfModule, role: NamedBlock): string[] | undefined {
  const trust = policyDocument(mod, attr(role.block, "assume_role_policy"));
  const statements = trust ? statementsOf(trust) : [];
  if (statements.length === 0) {
    return undefined;
  }
  const services: string[] = [];
  for (const s of statements) {
    const principals = nested(s.block, "principals");
    if (
      s.effect !== "Allow" ||
      !sameSet(s.actions, ["sts:AssumeRole"]) ||
      principals.length !== 1 ||
      str(principals[0], "type") !== "Service" ||
      "condition" in s.block
    ) {
      return undefined;
    }
    services.push(...(strList(principals[0], "identifiers") ?? []));
  }
  return services;
}

/**
 * Every IAM role is accounted for: a wiring function's own role (checked by checkIamPolicies), or
 * API Gateway's logging role, which only API Gateway may assume, which only the
 * aws_api_gateway_account uses, and which may do exactly what the AWS managed policy for it does,
 * on this account's log groups in this region. Any other role is a violation.
 */
export const checkEveryRole: Check = (mod) => {
  const violations: string[] = [];
  const functionRoles = new Set(
    FUNCTIONS.map((fn) =>
      reference(attr(functionResource(mod, fn)?.block, "role"))
        ?.split(".")
        .slice(0, 2)
        .join("."),
    ),
  );
  for (const role of resources(mod, "aws_iam_role")) {
    if (functionRoles.has(role.address)) {
      continue;
    }
    const services = trustedServices(mod, role);
    if (!services || !sameSet(services, ["apigateway.amazonaws.com"])) {
      violations.push(
        `${role.address}: neither a wiring function's role nor API Gateway's logging role (trusted by apigateway.amazonaws.com alone)`,
      );
      continue;
    }
    const who = `${role.address} (API Gateway logging)`;
    const users = resources(mod, "aws_api_gateway_account").filter((a) =>
      refersTo(attr(a.block, "cloudwatch_role_arn"), role.address),
    );
    if (users.length !== 1) {
      violations.push(`${who}: must be used by the aws_api_gateway_account alone`);
    }
    violations.push(...unreadablePolicies(mod, role, who));
    const statements = resources(mod, "aws_iam_role_policy")
      .filter((policy) => refersTo(attr(policy.block, "role"), role.address))
      .flatMap((policy) => {
        const doc = policyDocument(mod, attr(policy.block, "policy"));
        if (!doc) {
          violations.push(`${who}: ${policy.address} policy is not an aws_iam_policy_document`);
        }
        return doc ? statementsOf(doc) : [];
      })
      .filter((s) => s.effect === "Allow");
    const actions = new Set(statements.flatMap((s) => s.actions));
    for (const action of actions) {
      if (!(API_GATEWAY_LOG_ACTIONS as readonly string[]).includes(action)) {
        violations.push(
          `${who}: extra action ${action} (not in AmazonAPIGatewayPushToCloudWatchLogs)`,
        );
      }
    }
    for (const action of API_GATEWAY_LOG_ACTIONS) {
      if (!actions.has(action)) {
        violations.push(`${who}: missing action ${action}`);
      }
    }
    for (const s of statements) {
      for (const resource of s.resources) {
        if (resource !== API_GATEWAY_LOG_RESOURCE) {
          violations.push(
            `${s.where}: resource "${resource}" is not this account's log groups in this region (${API_GATEWAY_LOG_RESOURCE})`,
          );
        }
      }
    }
  }
  return violations;
};

/** Resource policies: what they say is granted to principals the roles' checks never see. */
const RESOURCE_POLICIES: ReadonlyArray<readonly [string, string]> = [
  ["aws_s3_bucket_policy", "policy"],
  ["aws_sqs_queue_policy", "policy"],
  ["aws_api_gateway_rest_api_policy", "policy"],
  ["aws_dynamodb_resource_policy", "policy"],
];

/**
 * No resource policy grants anything: every statement of the bucket policy (and of any queue,
 * API or table policy) is a Deny, the bucket refuses TLS older than 1.2 as well as plain HTTP, and
 * ACLs cannot grant either (BucketOwnerEnforced). Grants belong in the function roles, where
 * checkIamPolicies holds them to wiring.ts.
 */
export const checkResourcePolicies: Check = (mod) => {
  const violations: string[] = [];
  for (const [type, attribute] of RESOURCE_POLICIES) {
    for (const r of resources(mod, type)) {
      const doc = policyDocument(mod, attr(r.block, attribute));
      for (const s of doc ? statementsOf(doc) : []) {
        if (s.effect !== "Deny") {
          violations.push(
            `${s.where}: a resource policy may only deny (an Allow grants past the roles' least privilege)`,
          );
        }
      }
    }
  }
  const bucket = resources(mod, "aws_s3_bucket")[0];
  if (bucket) {
    const b = bucket.address;
    const tls12 = bucketPolicyDeniesAll(mod, bucket, "NumericLessThan", "s3:TlsVersion", ["1.2"]);
    if (!tls12) {
      violations.push(
        `${b}: the bucket policy must deny every request with s3:TlsVersion below 1.2`,
      );
    }
    const ownership = forBucket(mod, "aws_s3_bucket_ownership_controls", bucket);
    if (str(single(ownership?.block, "rule"), "object_ownership") !== "BucketOwnerEnforced") {
      violations.push(`${b}: object ownership must be BucketOwnerEnforced (ACLs disabled)`);
    }
  }
  for (const type of ["aws_s3_bucket_acl", "aws_lambda_function_url"]) {
    for (const r of resources(mod, type)) {
      violations.push(`${r.address}: ${type} opens a way in that no check can hold to wiring.ts`);
    }
  }
  return violations;
};

/**
 * Who may invoke the functions, exactly: one permission per wiring trigger and nothing else, each
 * lambda:InvokeFunction for its trigger's service, API Gateway scoped to its route's method and
 * path on this API, S3 to this bucket in this account.
 */
export const checkInvokePermissions: Check = (mod) => {
  const violations: string[] = [];
  const api = resources(mod, "aws_api_gateway_rest_api")[0];
  const bucket = resources(mod, "aws_s3_bucket")[0];
  const seen = new Map<string, string>();
  for (const p of resources(mod, "aws_lambda_permission")) {
    const where = p.address;
    const action = str(p.block, "action");
    const principal = str(p.block, "principal");
    if (action !== "lambda:InvokeFunction") {
      violations.push(`${where}: action ${String(action)}, only lambda:InvokeFunction is granted`);
    }
    const fn = FUNCTIONS.find((candidate) => {
      const lambda = functionResource(mod, candidate);
      return lambda !== undefined && refersTo(attr(p.block, "function_name"), lambda.address);
    });
    if (!fn) {
      violations.push(`${where}: function_name is not a function of wiring.ts`);
      continue;
    }
    const { trigger } = fn;
    const expectedPrincipal =
      trigger.kind === "http" ? "apigateway.amazonaws.com" : "s3.amazonaws.com";
    if (principal !== expectedPrincipal) {
      violations.push(
        `${where}: principal ${String(principal)} may not invoke ${fn.name} (only ${expectedPrincipal})`,
      );
      continue;
    }
    if ("principal_org_id" in p.block || "event_source_token" in p.block) {
      violations.push(`${where}: unexpected principal_org_id or event_source_token`);
    }
    if (trigger.kind === "http") {
      const sourceArn = api ? routeSourceArn(api.address, trigger) : "?";
      if (str(p.block, "source_arn") !== sourceArn) {
        violations.push(
          `${where}: source_arn ${String(attr(p.block, "source_arn"))}, expected exactly ${sourceArn}`,
        );
      }
    } else {
      if (!bucket || reference(attr(p.block, "source_arn")) !== `${bucket.address}.arn`) {
        violations.push(`${where}: source_arn must be exactly the bucket's arn`);
      }
      if (reference(attr(p.block, "source_account")) !== "local.account_id") {
        violations.push(`${where}: source_account must be local.account_id`);
      }
    }
    const earlier = seen.get(fn.name);
    if (earlier) {
      violations.push(`${where}: a second invoke permission for ${fn.name} (besides ${earlier})`);
    }
    seen.set(fn.name, where);
  }
  for (const fn of FUNCTIONS) {
    if (!seen.has(fn.name)) {
      violations.push(`${fn.name}: no aws_lambda_permission lets its trigger invoke it`);
    }
  }
  return violations;
};

/**
 * Whether the bucket's policy denies every action to everyone, on the bucket and its objects,
 * under the given condition (e.g. `Bool aws:SecureTransport false`).
 */
function bucketPolicyDeniesAll(
  mod: TfModule,
  bucket: NamedBlock,
  test: string,
  variable: string,
  values: readonly string[],
): boolean {
  const b = bucket.address;
  const policy = forBucket(mod, "aws_s3_bucket_policy", bucket);
  const doc = policy && policyDocument(mod, attr(policy.block, "policy"));
  return (doc ? statementsOf(doc) : []).some(
    (s) =>
      s.effect === "Deny" &&
      s.actions.includes("s3:*") &&
      s.resources.includes(`\${${b}.arn}`) &&
      s.resources.includes(`\${${b}.arn}/*`) &&
      nested(s.block, "principals").some((p) => (strList(p, "identifiers") ?? []).includes("*")) &&
      nested(s.block, "condition").some(
        (c) =>
          str(c, "test") === test &&
          str(c, "variable") === variable &&
          sameSet(strList(c, "values") ?? [], values),
      ),
  );
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
