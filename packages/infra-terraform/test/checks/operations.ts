/**
 * Checks of what an operator meets: the first apply in a fresh account (names unique per account
 * and region, no region-wide setting taken over by default, paths that hold in a child module),
 * API Gateway's own errors as problems, and the alarms.
 */
import { readFileSync } from "node:fs";
import path from "node:path";
import {
  GATEWAY_RESPONSES,
  gatewayProblemBody,
} from "../../../adapters-lambda/src/http/gateway-responses.ts";
import { PROBLEM_CONTENT_TYPE } from "../../../adapters-lambda/src/http/problem.ts";
import { INGEST_METRICS } from "../../../adapters-lambda/src/observability/metrics.ts";
import { FUNCTIONS } from "../../../adapters-lambda/src/wiring.ts";
import {
  GATEWAY_RESPONSES_JSON,
  gatewayResponsesJson,
  TEMPLATE_REQUEST_ID,
} from "../../scripts/write-gateway-responses.ts";
import {
  attr,
  isObject,
  reference,
  resources,
  str,
  type TfModule,
  variable,
} from "../load-module.ts";
import { GATEWAY_RESPONSE_TYPES } from "../provider-values.ts";
import {
  API_LOGGING,
  type Check,
  failureQueue,
  functionResource,
  httpFunctions,
  isAsync,
  localValue,
  refersTo,
} from "./module.ts";

/** Functions that read a file: Terraform resolves a relative path from the working directory. */
const FILE_FUNCTIONS =
  /\b(?:file|filebase64|filebase64sha256|filesha256|filemd5|templatefile)\("([^"]*)"/g;
const MODULE_RELATIVE = [`\${path.module}/`, `\${local.lambda_dist_dir}/`];

/**
 * A fresh account, a second region of the same account, a parent module: IAM role names carry the
 * region, every file is read relative to the module, and the region-wide API Gateway account
 * setting is left alone unless asked for (the stage logs only where it is set).
 */
export const checkFirstApply: Check = (mod) => {
  const violations: string[] = [];
  const regionOf = (name: string) =>
    name.includes(`\${var.region}`) ||
    (name.includes(`\${local.role_suffix}`) &&
      localValue(mod, `\${local.role_suffix}`) === `\${var.region}`);
  for (const role of resources(mod, "aws_iam_role")) {
    const name = str(role.block, "name") ?? "";
    if (!regionOf(name)) {
      violations.push(
        `${role.address}: name "${name}" must carry the region (IAM role names are account-wide)`,
      );
    }
  }

  const texts = JSON.stringify([mod.json["resource"], mod.json["data"], mod.json["locals"]]);
  for (const match of texts.replaceAll('\\"', '"').matchAll(FILE_FUNCTIONS)) {
    const file = match[1] ?? "";
    if (!MODULE_RELATIVE.some((prefix) => file.startsWith(prefix))) {
      violations.push(
        `reads "${file}" relative to the working directory: start it with \${path.module}/ (the module may be a child)`,
      );
    }
  }
  const distDir = String(localValue(mod, `\${local.lambda_dist_dir}`) ?? "");
  if (!distDir.includes(`"\${path.module}/`)) {
    violations.push(
      `local.lambda_dist_dir must default to a directory under \${path.module}, found ${distDir}`,
    );
  }

  if (attr(variable(mod, "manage_api_gateway_account"), "default") !== false) {
    violations.push(
      "variable manage_api_gateway_account must default to false (the setting is region-wide)",
    );
  }
  if (attr(variable(mod, "api_stage_logging"), "default") !== false) {
    violations.push("variable api_stage_logging must default to false");
  }
  for (const account of resources(mod, "aws_api_gateway_account")) {
    if (attr(account.block, "count") !== `\${var.manage_api_gateway_account ? 1 : 0}`) {
      violations.push(`${account.address}: count must follow var.manage_api_gateway_account`);
    }
  }
  if (
    localValue(mod, `\${${API_LOGGING}}`) !==
    `\${var.manage_api_gateway_account || var.api_stage_logging}`
  ) {
    violations.push(
      `${API_LOGGING} must be var.manage_api_gateway_account || var.api_stage_logging (logs need the role)`,
    );
  }
  return violations;
};

/**
 * API Gateway's own errors: one gateway response per response type API Gateway has, each the
 * problem+json body of GATEWAY_RESPONSES (through gateway-responses.json, written from it).
 */
export const checkGatewayResponses: Check = (mod) => {
  const violations: string[] = [];
  const file = path.join(mod.dir, path.basename(GATEWAY_RESPONSES_JSON));
  let written = "";
  try {
    written = readFileSync(file, "utf8");
  } catch {
    violations.push(`${path.basename(file)} is missing`);
  }
  if (written && written !== gatewayResponsesJson()) {
    violations.push(
      `${path.basename(file)} differs from GATEWAY_RESPONSES (src/http/gateway-responses.ts): run node packages/infra-terraform/scripts/write-gateway-responses.ts`,
    );
  }
  const listed = new Set(GATEWAY_RESPONSES.map((r) => r.responseType));
  for (const type of GATEWAY_RESPONSE_TYPES) {
    if (!listed.has(type as never)) {
      violations.push(
        `GATEWAY_RESPONSES has no ${type}: API Gateway would answer it with {"message": ...}`,
      );
    }
  }

  const api = resources(mod, "aws_api_gateway_rest_api")[0];
  if (!api) {
    return violations;
  }
  // One response per entry, as the module plans them (for_each over the file, expanded).
  const responses = resources(mod, "aws_api_gateway_gateway_response");
  const byType = new Map(responses.map((r) => [str(r.block, "response_type"), r]));
  for (const entry of GATEWAY_RESPONSES) {
    const response = byType.get(entry.responseType);
    if (!response) {
      violations.push(`no aws_api_gateway_gateway_response for ${entry.responseType}`);
      continue;
    }
    const where = response.address;
    if (reference(attr(response.block, "rest_api_id")) !== `${api.address}.id`) {
      violations.push(`${where}: rest_api_id must be ${api.address}.id`);
    }
    if (attr(response.block, "status_code") !== String(entry.status)) {
      violations.push(`${where}: status_code must be ${entry.status}`);
    }
    const templates = attr(response.block, "response_templates");
    const body = gatewayProblemBody(entry, TEMPLATE_REQUEST_ID);
    if (!isObject(templates) || templates["application/json"] !== body) {
      violations.push(`${where}: response_templates must map application/json to the problem body`);
    }
    // A literal map, or merged with the CORS headers (checkCors): the Content-Type is in it.
    const parameters = attr(response.block, "response_parameters");
    const contentType = `"gatewayresponse.header.Content-Type" = "'${PROBLEM_CONTENT_TYPE}'"`;
    if (
      isObject(parameters)
        ? parameters["gatewayresponse.header.Content-Type"] !== `'${PROBLEM_CONTENT_TYPE}'`
        : !String(parameters).startsWith(`\${merge(\n    { ${contentType} },`)
    ) {
      violations.push(`${where}: the Content-Type header must be ${PROBLEM_CONTENT_TYPE}`);
    }
  }
  if (responses.length !== GATEWAY_RESPONSES.length) {
    violations.push(
      `expected ${GATEWAY_RESPONSES.length} aws_api_gateway_gateway_response (GATEWAY_RESPONSES), found ${responses.length}`,
    );
  }
  return violations;
};

interface AlarmSpec {
  readonly what: string;
  readonly namespace: string;
  readonly metric: string;
  /** Dimension name -> the value the module must set (literal or `${...}`). */
  readonly dimensions: Readonly<Record<string, string>>;
}

function alarmFor(mod: TfModule, spec: AlarmSpec): string[] {
  const matching = resources(mod, "aws_cloudwatch_metric_alarm").filter((alarm) => {
    const b = alarm.block;
    const dimensions = attr(b, "dimensions");
    return (
      str(b, "namespace") === spec.namespace &&
      str(b, "metric_name") === spec.metric &&
      isObject(dimensions) &&
      Object.entries(spec.dimensions).every(([k, v]) => dimensions[k] === v)
    );
  });
  return matching.length > 0
    ? []
    : [
        `no alarm on ${spec.what}: ${spec.namespace} ${spec.metric} ${JSON.stringify(spec.dimensions)}`,
      ];
}

/**
 * The alarms that need a person: an S3 event in the ingest's failure queue, failed ingests (the
 * ingest's IngestsFailed metric), API 5xx, throttled API requests (429 in the access log) and
 * throttled HTTP functions; every one notifies var.alarm_sns_topic_arn when set.
 */
export const checkAlarms: Check = (mod, functions) => {
  const violations: string[] = [];
  const api = resources(mod, "aws_api_gateway_rest_api")[0];
  const stage = resources(mod, "aws_api_gateway_stage")[0];
  const queues: AlarmSpec[] = (functions ?? FUNCTIONS).filter(isAsync).map((fn) => {
    const lambda = functionResource(mod, fn);
    const queue = lambda && failureQueue(mod, lambda);
    return {
      what: `the failure queue of ${fn.name}`,
      namespace: "AWS/SQS",
      metric: "ApproximateNumberOfMessagesVisible",
      dimensions: { QueueName: `\${${queue?.address}.name}` },
    };
  });
  const specs: AlarmSpec[] = [
    ...queues,
    {
      what: "failed ingests",
      namespace: "Movies",
      metric: INGEST_METRICS.failed,
      dimensions: { service: "movies" },
    },
    {
      what: "API 5xx",
      namespace: "AWS/ApiGateway",
      metric: "5XXError",
      dimensions: {
        ApiName: `\${${api?.address}.name}`,
        Stage: `\${${stage?.address}.stage_name}`,
      },
    },
    {
      what: "failed fan-outs",
      namespace: "AWS/States",
      metric: "ExecutionsFailed",
      dimensions: {
        StateMachineArn: `\${${resources(mod, "aws_sfn_state_machine")[0]?.address}.arn}`,
      },
    },
  ];
  for (const spec of specs) {
    violations.push(...alarmFor(mod, spec));
  }

  // Throttled API requests: a metric filter counts the 429s of the access log.
  const filters = resources(mod, "aws_cloudwatch_log_metric_filter").filter(
    (f) =>
      reference(attr(f.block, "log_group_name")) === "aws_cloudwatch_log_group.api_access.name" &&
      /\$\.status\s*=\s*"?429"?/.test(str(f.block, "pattern") ?? ""),
  );
  const throttleAlarm = resources(mod, "aws_cloudwatch_metric_alarm").some((alarm) =>
    filters.some(
      (f) =>
        refersTo(attr(alarm.block, "metric_name"), f.address) &&
        refersTo(attr(alarm.block, "namespace"), f.address),
    ),
  );
  if (!throttleAlarm) {
    violations.push(
      "no alarm on throttled API requests: a metric filter counting status 429 in the access log, and an alarm on its metric",
    );
  }

  // Throttled HTTP functions: AWS/Lambda Throttles per function.
  for (const fn of httpFunctions(functions)) {
    const lambda = functionResource(mod, fn);
    const spec: AlarmSpec = {
      what: `Lambda Throttles of ${fn.name}`,
      namespace: "AWS/Lambda",
      metric: "Throttles",
      dimensions: { FunctionName: `\${${lambda?.address}.function_name}` },
    };
    violations.push(...alarmFor(mod, spec));
  }

  const actions = `\${local.alarm_actions}`;
  for (const alarm of resources(mod, "aws_cloudwatch_metric_alarm")) {
    for (const key of ["alarm_actions", "ok_actions"]) {
      if (attr(alarm.block, key) !== actions) {
        violations.push(`${alarm.address}: ${key} must be ${actions}`);
      }
    }
  }
  if (
    localValue(mod, actions) !==
    `\${var.alarm_sns_topic_arn == null ? [] : [var.alarm_sns_topic_arn]}`
  ) {
    violations.push(
      "local.alarm_actions must be [var.alarm_sns_topic_arn] when it is set, else []",
    );
  }
  if (attr(variable(mod, "alarm_sns_topic_arn"), "default") !== null) {
    violations.push("variable alarm_sns_topic_arn must default to null (alarms work without it)");
  }
  return violations;
};
