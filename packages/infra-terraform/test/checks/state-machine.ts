/**
 * The fan-out state machine: the definition file the local stack runs too, its role with exactly
 * the actions it uses, its logs and tracing, and where the functions find it.
 */
import path from "node:path";
import { fileURLToPath } from "node:url";
import { FAN_OUT_DEFINITION_FILE } from "../../../adapters-lambda/src/ingest/fan-out/fan-out-definition.ts";
import { ENV, FAN_OUT_PREFIX, FUNCTIONS } from "../../../adapters-lambda/src/wiring.ts";
import {
  attr,
  isObject,
  type NamedBlock,
  nested,
  reference,
  resources,
  single,
  str,
  strList,
  type TfModule,
} from "../load-module.ts";
import { MODULE_DIR } from "../paths.ts";
import {
  type Check,
  functionResource,
  isAsync,
  localValue,
  onlyOne,
  refersTo,
  sameSet,
  XRAY_ACTIONS,
} from "./module.ts";
import { policyDocument, statementsOf, unreadablePolicies } from "./policies.ts";

/** The state machine's ARN as the module builds it from its name (see sfn.tf). */
export const FAN_OUT_STATE_MACHINE_ARN = "local.fan_out_state_machine_arn";
const CHILD_EXECUTIONS_ARN = "local.fan_out_executions_arn";

/** CloudWatch Logs' delivery actions: a state machine's logging needs them on "*". */
export const LOG_DELIVERY_ACTIONS = [
  "logs:CreateLogDelivery",
  "logs:GetLogDelivery",
  "logs:UpdateLogDelivery",
  "logs:DeleteLogDelivery",
  "logs:ListLogDeliveries",
  "logs:PutResourcePolicy",
  "logs:DescribeResourcePolicies",
  "logs:DescribeLogGroups",
] as const;

/** X-Ray's sampling actions, which a traced state machine calls besides the segment writes. */
const XRAY_SAMPLING_ACTIONS = ["xray:GetSamplingRules", "xray:GetSamplingTargets"] as const;

/** The only actions any role may hold on Resource "*": none of them takes a resource. */
export const ANY_RESOURCE_ACTIONS: ReadonlySet<string> = new Set([
  ...XRAY_ACTIONS,
  ...XRAY_SAMPLING_ACTIONS,
  ...LOG_DELIVERY_ACTIONS,
]);

/** The definition file as the module must name it: relative to the module. */
export const DEFINITION_PATH = `\${path.module}/${path
  .relative(MODULE_DIR, fileURLToPath(FAN_OUT_DEFINITION_FILE))
  .split(path.sep)
  .join("/")}`;

/** Whether a role is the one the state machine runs with. */
export function isStateMachineRole(mod: TfModule, role: NamedBlock): boolean {
  return resources(mod, "aws_sfn_state_machine").some((machine) =>
    refersTo(attr(machine.block, "role_arn"), role.address),
  );
}

const compact = (text: string | undefined) => (text ?? "").replace(/\s+/g, "");

/**
 * One STANDARD state machine whose definition is templatefile() of the shared definition file
 * with the fan-out function's ARN; logs of errors to its own log group; tracing; a role that only
 * Step Functions may assume (from this account), allowed exactly: invoke the fan-out function,
 * start, describe and stop its own child executions, log delivery and X-Ray. The ingest function
 * is told its ARN; the bucket expires the fan-out's working state.
 */
export const checkStateMachine: Check = (mod, functions = FUNCTIONS) => {
  const violations: string[] = [];
  const machine = onlyOne(mod, "aws_sfn_state_machine", violations);
  const task = functions.find((fn) => fn.trigger.kind === "state-machine");
  const lambda = task && functionResource(mod, task);
  if (!machine || !task || !lambda) {
    return [...violations, "no state machine and fan-out function to check"];
  }
  const where = machine.address;
  const b = machine.block;
  if (str(b, "type") !== "STANDARD") {
    violations.push(`${where}: type must be STANDARD (a Distributed Map's parent)`);
  }
  if (str(b, "name") !== `\${local.fan_out_state_machine_name}`) {
    violations.push(
      `${where}: name must be local.fan_out_state_machine_name (the ARN is built from it)`,
    );
  }
  const arnLocal = compact(String(localValue(mod, `\${local.fan_out_state_machine_arn}`)));
  if (!arnLocal.endsWith(`:stateMachine:\${local.fan_out_state_machine_name}`)) {
    violations.push("local.fan_out_state_machine_arn must end with the state machine's name");
  }
  const fanOutArn = "aws_lambda_function.function[local.fan_out_function].arn";
  const definition = compact(str(b, "definition"));
  const expectedDefinition = compact(
    `\${templatefile("${DEFINITION_PATH}", { fan_out_function_arn = ${fanOutArn} })}`,
  );
  if (definition !== expectedDefinition) {
    violations.push(
      `${where}: definition must be templatefile("${DEFINITION_PATH}", { fan_out_function_arn = ${fanOutArn} })`,
    );
  }
  const logging = single(b, "logging_configuration");
  const logGroup = resources(mod, "aws_cloudwatch_log_group").find(
    (g) => str(logging, "log_destination") === `\${${g.address}.arn}:*`,
  );
  if (!logGroup || !["ALL", "ERROR", "FATAL"].includes(str(logging, "level") ?? "OFF")) {
    violations.push(`${where}: logging_configuration must log to a log group of this module`);
  } else if (attr(logGroup.block, "retention_in_days") === undefined) {
    violations.push(`${logGroup.address}: a retention is required`);
  }
  if (attr(single(b, "tracing_configuration"), "enabled") !== true) {
    violations.push(`${where}: tracing_configuration enabled must be true`);
  }

  const role = resources(mod, "aws_iam_role").find((r) => refersTo(attr(b, "role_arn"), r.address));
  if (!role) {
    return [...violations, `${where}: role_arn must be an aws_iam_role of this module`];
  }
  const who = `the state machine's role (${role.address})`;
  const trust = policyDocument(mod, attr(role.block, "assume_role_policy"));
  const trusted = (trust ? statementsOf(trust) : []).every((s) => {
    const principals = nested(s.block, "principals");
    return (
      s.effect === "Allow" &&
      sameSet(s.actions, ["sts:AssumeRole"]) &&
      principals.length === 1 &&
      sameSet(strList(principals[0], "identifiers") ?? [], ["states.amazonaws.com"])
    );
  });
  if (!trust || !trusted) {
    violations.push(`${who}: only states.amazonaws.com may assume it`);
  }
  violations.push(...unreadablePolicies(mod, role, who));
  const expected = [
    `lambda:InvokeFunction on \${${fanOutArn}}`,
    `states:StartExecution on \${${FAN_OUT_STATE_MACHINE_ARN}}`,
    `states:DescribeExecution on \${${CHILD_EXECUTIONS_ARN}}`,
    `states:StopExecution on \${${CHILD_EXECUTIONS_ARN}}`,
    ...LOG_DELIVERY_ACTIONS.map((a) => `${a} on *`),
    ...[...XRAY_ACTIONS, ...XRAY_SAMPLING_ACTIONS].map((a) => `${a} on *`),
  ];
  const actual: string[] = [];
  for (const policy of resources(mod, "aws_iam_role_policy")) {
    if (!reference(attr(policy.block, "role"))?.startsWith(`${role.address}.`)) continue;
    const doc = policyDocument(mod, attr(policy.block, "policy"));
    for (const s of doc ? statementsOf(doc) : []) {
      if (s.effect !== "Allow") continue;
      actual.push(...s.actions.flatMap((a) => s.resources.map((r) => `${a} on ${r}`)));
    }
  }
  for (const pair of actual) {
    if (!expected.includes(pair)) violations.push(`${who}: ${pair} is more than it uses`);
  }
  for (const pair of expected) {
    if (!actual.includes(pair)) violations.push(`${who}: missing ${pair}`);
  }
  const executionsLocal = compact(String(localValue(mod, `\${local.fan_out_executions_arn}`)));
  if (!executionsLocal.endsWith(`:execution:\${local.fan_out_state_machine_name}/*`)) {
    violations.push("local.fan_out_executions_arn must be the state machine's own executions");
  }

  // The ingest is told where the state machine is.
  for (const fn of functions.filter(isAsync)) {
    const ingest = functionResource(mod, fn);
    const variables = attr(single(ingest?.block, "environment"), "variables");
    const env = isObject(variables) ? variables : {};
    if (env[ENV.fanOutStateMachineArn] !== `\${${FAN_OUT_STATE_MACHINE_ARN}}`) {
      violations.push(
        `${fn.name}: environment ${ENV.fanOutStateMachineArn} must be ${FAN_OUT_STATE_MACHINE_ARN}`,
      );
    }
  }

  // The fan-out's working state expires; the reports stay.
  const lifecycle = resources(mod, "aws_s3_bucket_lifecycle_configuration")[0];
  const expires = nested(lifecycle?.block, "rule").some(
    (rule) =>
      str(rule, "status") === "Enabled" &&
      str(single(rule, "filter"), "prefix") === FAN_OUT_PREFIX &&
      attr(single(rule, "expiration"), "days") !== undefined,
  );
  if (!expires) {
    violations.push(
      `the bucket's lifecycle must expire ${FAN_OUT_PREFIX} (the fan-out's working state)`,
    );
  }
  return violations;
};
