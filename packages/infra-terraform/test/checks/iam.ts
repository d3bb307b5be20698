/**
 * Least privilege: each function role exactly its wiring actions, no wildcard, every other role
 * accounted for, resource policies that only deny, and exactly the invoke permissions the
 * triggers need.
 */
import { FUNCTIONS, routeMethods } from "../../../adapters-lambda/src/wiring.ts";
import {
  addressOf,
  attr,
  dataSources,
  type HclObject,
  nested,
  reference,
  resources,
  single,
  str,
  strList,
} from "../load-module.ts";
import {
  byAddress,
  type Check,
  DESTINATION_ACTIONS,
  failureQueue,
  forBucket,
  functionLogGroup,
  functionResource,
  isAsync,
  isStateMachineTask,
  LOG_ACTIONS,
  refersTo,
  routeSourceArn,
  sameSet,
  XRAY_ACTIONS,
} from "./module.ts";
import {
  API_GATEWAY_LOG_ACTIONS,
  API_GATEWAY_LOG_RESOURCE,
  bucketPolicyDeniesAll,
  DATA_SERVICES,
  POLICY_ATTRIBUTES,
  policyDocument,
  RESOURCE_POLICIES,
  type Statement,
  statementsOf,
  trustedServices,
  unreadablePolicies,
} from "./policies.ts";
import {
  ANY_RESOURCE_ACTIONS,
  FAN_OUT_STATE_MACHINE_ARN,
  isStateMachineRole,
} from "./state-machine.ts";

/**
 * Each function role allows exactly: the wiring's tableActions on the table, its bucketGrants on
 * the bucket's objects under each grant's prefix, logs on its own log group, X-Ray, and for an
 * asynchronously invoked function sqs:SendMessage on its failure queue. Compared both ways, as
 * actions and as (action, resource) pairs.
 */
export const checkIamPolicies: Check = (mod, functions = FUNCTIONS) => {
  const violations: string[] = [];
  const table = resources(mod, "aws_dynamodb_table")[0];
  const bucket = resources(mod, "aws_s3_bucket")[0];
  for (const fn of functions) {
    const lambda = functionResource(mod, fn);
    const role = lambda && byAddress(mod, reference(attr(lambda.block, "role")));
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
      for (const prefix of fn.bucketListPrefixes) {
        expected.push([LIST_ACTION, `\${${bucket.address}.arn}`]);
        const limited = allowed.some(
          (s) =>
            s.actions.includes(LIST_ACTION) &&
            sameSet(listPrefixCondition(s.block) ?? [], [`${prefix}*`]),
        );
        if (!limited) {
          violations.push(`${who}: ${LIST_ACTION} must be limited to s3:prefix ${prefix}*`);
        }
      }
    }
    for (const action of fn.stateMachineActions) {
      expected.push([action, `\${${FAN_OUT_STATE_MACHINE_ARN}}`]);
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

const LIST_ACTION = "s3:ListBucket";

/** The s3:prefix values a statement's StringLike condition allows; undefined without one. */
function listPrefixCondition(statement: HclObject): readonly string[] | undefined {
  const conditions = nested(statement, "condition");
  if (conditions.length !== 1 || !conditions[0]) return undefined;
  const [condition] = conditions;
  if (str(condition, "test") !== "StringLike" || str(condition, "variable") !== "s3:prefix") {
    return undefined;
  }
  return strList(condition, "values");
}

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
    /^\$\{(aws_dynamodb_table|aws_sqs_queue)\.[\w-]+(\["[^"]*"\])?\.arn\}$|^\$\{aws_s3_bucket\.[\w-]+\.arn\}(\/[^*]*\*)?$/;
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
      if (s.resources.includes("*") && !s.actions.every((a) => ANY_RESOURCE_ACTIONS.has(a))) {
        violations.push(
          `${s.where}: wildcard resource "*" is only allowed for ${[...ANY_RESOURCE_ACTIONS].join(", ")}`,
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
 * Every IAM role is accounted for: a wiring function's own role (checked by checkIamPolicies), or
 * API Gateway's logging role, which only API Gateway may assume, which only the
 * aws_api_gateway_account uses, and which may do exactly what the AWS managed policy for it does,
 * on this account's log groups in this region. Any other role is a violation.
 */
export const checkEveryRole: Check = (mod, functions = FUNCTIONS) => {
  const violations: string[] = [];
  const functionRoles = new Set(
    functions.map((fn) => addressOf(reference(attr(functionResource(mod, fn)?.block, "role")))),
  );
  for (const role of resources(mod, "aws_iam_role")) {
    if (functionRoles.has(role.address) || isStateMachineRole(mod, role)) {
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
 * Who may invoke the functions, exactly: one permission per wiring trigger (per method of a route:
 * a GET's HEAD too) and nothing else, each lambda:InvokeFunction for its trigger's service, API
 * Gateway scoped to its route's method and path on this API, S3 to this bucket in this account.
 */
export const checkInvokePermissions: Check = (mod, functions = FUNCTIONS) => {
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
    const fn = functions.find((candidate) => {
      const lambda = functionResource(mod, candidate);
      return lambda !== undefined && refersTo(attr(p.block, "function_name"), lambda.address);
    });
    if (!fn) {
      violations.push(`${where}: function_name is not a function of wiring.ts`);
      continue;
    }
    const { trigger } = fn;
    if (trigger.kind === "state-machine") {
      violations.push(
        `${where}: ${fn.name} is invoked by the state machine's role, not a permission`,
      );
      continue;
    }
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
    let grant: string = fn.name;
    if (trigger.kind === "http") {
      const sourceArns = routeMethods(trigger).map((method) =>
        api ? routeSourceArn(api.address, { ...trigger, method }) : "?",
      );
      const sourceArn = str(p.block, "source_arn");
      if (sourceArn === undefined || !sourceArns.includes(sourceArn)) {
        violations.push(
          `${where}: source_arn ${String(attr(p.block, "source_arn"))}, expected exactly ${sourceArns.join(" or ")}`,
        );
      }
      grant = `${fn.name} ${sourceArn}`;
    } else {
      if (!bucket || reference(attr(p.block, "source_arn")) !== `${bucket.address}.arn`) {
        violations.push(`${where}: source_arn must be exactly the bucket's arn`);
      }
      if (reference(attr(p.block, "source_account")) !== "local.account_id") {
        violations.push(`${where}: source_account must be local.account_id`);
      }
    }
    const earlier = seen.get(grant);
    if (earlier) {
      violations.push(`${where}: a second invoke permission for ${fn.name} (besides ${earlier})`);
    }
    seen.set(grant, where);
  }
  for (const fn of functions) {
    const { trigger } = fn;
    const grants =
      trigger.kind === "http" && api
        ? routeMethods(trigger).map(
            (method) => `${fn.name} ${routeSourceArn(api.address, { ...trigger, method })}`,
          )
        : [fn.name];
    if (!isStateMachineTask(fn) && !grants.every((grant) => seen.has(grant))) {
      violations.push(`${fn.name}: no aws_lambda_permission lets its trigger invoke it`);
    }
  }
  return violations;
};
