/**
 * The contract checks bite: each test copies the module, breaks one thing on purpose and expects
 * the check that guards it to report that specific violation.
 */
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { ORIGIN_PATTERN } from "../../adapters-lambda/src/http/cors.ts";
import { FUNCTIONS, type FunctionWiring } from "../../adapters-lambda/src/wiring.ts";
import { ALL_CHECKS } from "./all-checks.ts";
import {
  ANY_RESOURCE_ACTIONS,
  type Check,
  checkAlarms,
  checkApi,
  checkCors,
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
  checkSecurityDefaults,
  checkStateMachine,
  DEFINITION_PATH,
  routeSourceArn,
} from "./checks.ts";
import { instanceAddress, loadModule, type TfModule } from "./load-module.ts";
import { append, copyModule, mutate, removeCopy } from "./mutate.ts";
import { MODULE_DIR } from "./paths.ts";

interface Mutation {
  readonly title: string;
  readonly file: string;
  readonly from: string;
  readonly to: string;
  readonly check: Check;
  /** A violation the check must report (exact text). */
  readonly expected: string;
}

// The wiring's functions the mutations break, and the addresses the module gives them.
const byTrigger = (pick: (fn: FunctionWiring) => boolean): FunctionWiring => {
  const fn = FUNCTIONS.find(pick);
  if (!fn) throw new Error("the wiring lacks a function these mutations need");
  return fn;
};
const INGEST = byTrigger((fn) => fn.trigger.kind === "s3");
const GET = byTrigger((fn) => fn.trigger.kind === "http" && fn.trigger.method === "GET");
const PATCH = byTrigger((fn) => fn.trigger.kind === "http" && fn.trigger.method === "PATCH");
const route = (fn: FunctionWiring) =>
  fn.trigger.kind === "http" ? `${fn.trigger.method} ${fn.trigger.path}` : "?";
const sourceArn = (fn: FunctionWiring) =>
  fn.trigger.kind === "http" ? routeSourceArn("aws_api_gateway_rest_api.movies", fn.trigger) : "?";
const lambda = (fn: FunctionWiring) => instanceAddress("aws_lambda_function.function", fn.name);
const role = (fn: FunctionWiring) =>
  `${fn.name} (${instanceAddress("aws_iam_role.function", fn.name)})`;
const policy = (fn: FunctionWiring) =>
  instanceAddress("data.aws_iam_policy_document.function", fn.name);
/** functions.json's lines of one function's table actions, as the script writes them. */
const tableActions = (fn: FunctionWiring) =>
  JSON.stringify(fn.tableActions, null, 2).replaceAll("\n", `\n${" ".repeat(10)}`);

const PATH = GET.trigger.kind === "http" ? GET.trigger.path : "?";

const RESERVED_CONCURRENCY = `${INGEST.name} (${lambda(INGEST)}): reserved_concurrent_executions must be var.ingest_reserved_concurrency, 1 by default (one snapshot at a time) and nullable (accounts at the 10-execution quota)`;

const FAN_OUT = byTrigger((fn) => fn.trigger.kind === "state-machine");
const MACHINE = "aws_sfn_state_machine.fan_out";
const MACHINE_ROLE = "the state machine's role (aws_iam_role.fan_out)";

/** The fan-out state machine, its role, and what the ingest and the bucket do for it. */
const STATE_MACHINE: readonly Mutation[] = [
  {
    title: "the state machine may invoke any function",
    file: "sfn.tf",
    from: "resources = [aws_lambda_function.function[local.fan_out_function].arn]",
    to: 'resources = ["*"]',
    check: checkStateMachine,
    expected: `${MACHINE_ROLE}: lambda:InvokeFunction on * is more than it uses`,
  },
  {
    title: "the state machine may describe every execution of the account",
    file: "sfn.tf",
    from: "resources = [local.fan_out_executions_arn]",
    to: 'resources = ["arn:aws:states:*:*:execution:*"]',
    check: checkStateMachine,
    expected: `${MACHINE_ROLE}: states:DescribeExecution on arn:aws:states:*:*:execution:* is more than it uses`,
  },
  {
    title: "the state machine's role cannot start the Distributed Map's child executions",
    file: "sfn.tf",
    from: 'actions   = ["states:StartExecution"]\n    resources = [local.fan_out_state_machine_arn]',
    to: 'actions   = ["states:DescribeStateMachine"]\n    resources = [local.fan_out_state_machine_arn]',
    check: checkStateMachine,
    expected: `${MACHINE_ROLE}: missing states:StartExecution on \${local.fan_out_state_machine_arn}`,
  },
  {
    title: "the state machine without its log configuration",
    file: "sfn.tf",
    from: `log_destination        = "\${aws_cloudwatch_log_group.fan_out.arn}:*"`,
    to: 'log_destination        = "arn:aws:logs:us-east-1:000000000000:log-group:elsewhere:*"',
    check: checkStateMachine,
    expected: `${MACHINE}: logging_configuration must log to a log group of this module`,
  },
  {
    title: "the state machine untraced",
    file: "sfn.tf",
    from: "enabled = true",
    to: "enabled = false",
    check: checkStateMachine,
    expected: `${MACHINE}: tracing_configuration enabled must be true`,
  },
  {
    title: "a definition other than the file the local stack runs",
    file: "sfn.tf",
    from: "ingest/fan-out/ingest-fan-out.asl.json",
    to: "ingest/fan-out/other.asl.json",
    check: checkStateMachine,
    expected: `${MACHINE}: definition must be templatefile("${DEFINITION_PATH}", { fan_out_function_arn = aws_lambda_function.function[local.fan_out_function].arn })`,
  },
  {
    title: "an express state machine",
    file: "sfn.tf",
    from: 'type     = "STANDARD"',
    to: 'type     = "EXPRESS"',
    check: checkStateMachine,
    expected: `${MACHINE}: type must be STANDARD (a Distributed Map's parent)`,
  },
  {
    title: "another service may assume the state machine's role",
    file: "sfn.tf",
    from: 'identifiers = ["states.amazonaws.com"]',
    to: 'identifiers = ["states.amazonaws.com", "lambda.amazonaws.com"]',
    check: checkStateMachine,
    expected: `${MACHINE_ROLE}: only states.amazonaws.com may assume it`,
  },
  {
    title: "the fan-out's listing of the bucket not limited to its prefix",
    file: "iam.tf",
    from: `values   = ["\${statement.value}*"]`,
    to: 'values   = ["*"]',
    check: checkIamPolicies,
    expected: `${role(FAN_OUT)}: s3:ListBucket must be limited to s3:prefix fan-out/*`,
  },
  {
    title: "the ingest told no state machine",
    file: "functions.tf",
    from: "MOVIES_FAN_OUT_STATE_MACHINE_ARN = local.fan_out_state_machine_arn",
    to: 'MOVIES_FAN_OUT_STATE_MACHINE_ARN = ""',
    check: checkStateMachine,
    expected: `${INGEST.name}: environment MOVIES_FAN_OUT_STATE_MACHINE_ARN must be local.fan_out_state_machine_arn`,
  },
  {
    title: "the fan-out's working state never expires",
    file: "bucket.tf",
    from: 'prefix = "fan-out/"',
    to: 'prefix = "reports/"',
    check: checkStateMachine,
    expected: "the bucket's lifecycle must expire fan-out/ (the fan-out's working state)",
  },
  {
    title: "no alarm on failed fan-outs",
    file: "sfn.tf",
    from: 'metric_name         = "ExecutionsFailed"',
    to: 'metric_name         = "ExecutionsSucceeded"',
    check: checkAlarms,
    expected: `no alarm on failed fan-outs: AWS/States ExecutionsFailed ${JSON.stringify({ StateMachineArn: `\${aws_sfn_state_machine.fan_out.arn}` })}`,
  },
];

const MUTATIONS: readonly Mutation[] = [
  {
    title: "a role granted dynamodb:* is a wildcard action",
    file: "functions.json",
    from: tableActions(GET),
    to: tableActions({ ...GET, tableActions: ["dynamodb:*"] }),
    check: checkNoWildcards,
    expected: `${policy(GET)} statement MoviesTable: wildcard action "dynamodb:*"`,
  },
  {
    title: "a role granted dynamodb:* has an action wiring.ts does not list",
    file: "functions.json",
    from: tableActions(GET),
    to: tableActions({ ...GET, tableActions: ["dynamodb:*"] }),
    check: checkIamPolicies,
    expected: `${role(GET)}: extra action dynamodb:* (not in wiring.ts nor the fixed sets)`,
  },
  {
    title: "a role given an extra action in functions.json",
    file: "functions.json",
    from: tableActions(PATCH),
    to: tableActions({ ...PATCH, tableActions: [...PATCH.tableActions, "dynamodb:DeleteItem"] }),
    check: checkIamPolicies,
    expected: `${role(PATCH)}: extra action dynamodb:DeleteItem (not in wiring.ts nor the fixed sets)`,
  },
  {
    title: "functions.json edited by hand",
    file: "functions.json",
    from: tableActions(PATCH),
    to: tableActions({ ...PATCH, tableActions: [...PATCH.tableActions, "dynamodb:DeleteItem"] }),
    check: checkFunctionsJson,
    expected:
      "functions.json differs from FUNCTIONS (adapters-lambda/src/wiring.ts): run node packages/infra-terraform/scripts/write-functions.ts",
  },
  {
    title: "every role given an extra action in the policy template",
    file: "iam.tf",
    from: 'actions   = ["logs:CreateLogStream", "logs:PutLogEvents"]',
    to: 'actions   = ["logs:CreateLogStream", "logs:PutLogEvents", "logs:DeleteLogGroup"]',
    check: checkIamPolicies,
    expected: `${role(INGEST)}: extra action logs:DeleteLogGroup (not in wiring.ts nor the fixed sets)`,
  },
  {
    title: "a role missing an action its code calls",
    file: "functions.json",
    from: `"trigger": "s3",\n      "table_grants": [\n        {\n          "actions": ${tableActions(INGEST)}`,
    to: `"trigger": "s3",\n      "table_grants": [\n        {\n          "actions": ${tableActions({ ...INGEST, tableActions: INGEST.tableActions.slice(1) })}`,
    check: checkIamPolicies,
    expected: `${role(INGEST)}: missing action ${INGEST.tableActions[0]}`,
  },
  {
    title: "bucket grants widened from their prefix to the whole bucket",
    file: "iam.tf",
    from: `resources = ["\${aws_s3_bucket.movie_infos.arn}/\${statement.value.prefix}*"]`,
    to: `resources = ["\${aws_s3_bucket.movie_infos.arn}/*"]`,
    check: checkIamPolicies,
    expected: `${role(INGEST)}: s3:PutObject on \${aws_s3_bucket.movie_infos.arn}/* is not allowed by wiring.ts`,
  },
  {
    title: "a table statement on every resource",
    file: "iam.tf",
    from: "resources = [aws_dynamodb_table.movies.arn]",
    to: 'resources = ["*"]',
    check: checkNoWildcards,
    expected: `${policy(GET)} statement MoviesTable: wildcard resource "*" is only allowed for ${[...ANY_RESOURCE_ACTIONS].join(", ")}`,
  },
  {
    title: "a trust policy that lets another service assume a function role",
    file: "iam.tf",
    from: 'identifiers = ["lambda.amazonaws.com"]',
    to: 'identifiers = ["lambda.amazonaws.com", "ec2.amazonaws.com"]',
    check: checkIamPolicies,
    expected: `${role(GET)}: the trust policy must let only lambda.amazonaws.com assume the role`,
  },
  {
    title: "a policy written as jsonencode the checks cannot read",
    file: "iam.tf",
    from: "policy = data.aws_iam_policy_document.function[each.key].json",
    to: 'policy = jsonencode({ Version = "2012-10-17", Statement = [{ Effect = "Allow", Action = "*", Resource = "*" }] })',
    check: checkNoWildcards,
    expected: `${instanceAddress("aws_iam_role_policy.function", GET.name)}.policy must be an aws_iam_policy_document (readable by the checks)`,
  },
  {
    title: "point-in-time recovery removed",
    file: "table.tf",
    from: "  point_in_time_recovery {\n    enabled = true\n  }\n",
    to: "",
    check: checkSecurityDefaults,
    expected: "aws_dynamodb_table.movies: point-in-time recovery must be enabled",
  },
  {
    title: "deletion protection off by default",
    file: "variables.tf",
    from: 'before a terraform destroy."\n  type        = bool\n  default     = true',
    to: 'before a terraform destroy."\n  type        = bool\n  default     = false',
    check: checkSecurityDefaults,
    expected: "variable table_deletion_protection must default to true",
  },
  {
    title: "PATCH authorization default changed to NONE",
    file: "variables.tf",
    from: 'default     = "AWS_IAM"',
    to: 'default     = "NONE"',
    check: checkApi,
    expected: `route ${route(PATCH)}: authorization by default is NONE, wiring.ts says AWS_IAM`,
  },
  {
    title: "AWS_IAM routes opened regardless of the variable",
    file: "api.tf",
    from: "AWS_IAM = var.patch_authorization",
    to: 'AWS_IAM = "NONE"',
    check: checkApi,
    expected: `route ${route(PATCH)}: authorization by default is NONE, wiring.ts says AWS_IAM`,
  },
  {
    title: "every route wired to the rating function",
    file: "api.tf",
    from: 'http_method             = aws_api_gateway_method.route[each.key].http_method\n  type                    = "AWS_PROXY"\n  integration_http_method = "POST"\n  uri                     = aws_lambda_function.function[each.key].invoke_arn',
    to: `http_method             = aws_api_gateway_method.route[each.key].http_method\n  type                    = "AWS_PROXY"\n  integration_http_method = "POST"\n  uri                     = aws_lambda_function.function["${PATCH.name}"].invoke_arn`,
    check: checkApi,
    expected: `route ${route(GET)}: integration uri \${${lambda(PATCH)}.invoke_arn} is not ${lambda(GET)}.invoke_arn (${GET.name})`,
  },
  {
    title: "the GET routes without their HEAD",
    file: "api.tf",
    from: 'http_method        = "HEAD"',
    to: 'http_method        = "OPTIONS"',
    check: checkApi,
    expected: `route HEAD ${GET.trigger.kind === "http" ? GET.trigger.path : "?"} (${GET.name}): expected one aws_api_gateway_method, found 0`,
  },
  {
    title: "an API permission not scoped to its method and path",
    file: "api.tf",
    from: `execution_arn}/*/\${each.value.method}\${each.value.source_path}`,
    to: "execution_arn}/*",
    check: checkApi,
    expected: `route ${route(GET)}: no aws_lambda_permission for ${GET.name} with source_arn ${sourceArn(GET)}`,
  },
  {
    title: "a deployment that would not redeploy when a method changes",
    file: "api.tf",
    from: "      aws_api_gateway_method.route,\n",
    to: "",
    check: checkApi,
    expected:
      "aws_api_gateway_deployment.movies: triggers do not cover aws_api_gateway_method.route, so changing it would not redeploy",
  },
  {
    title: "a case-sensitive suffix filter on the notification",
    file: "bucket.tf",
    from: "events              = lambda_function.value.events",
    to: 'events              = lambda_function.value.events\n      filter_suffix       = ".csv"',
    check: checkNotification,
    expected: `aws_s3_bucket_notification.movie_infos: ${INGEST.name} has a filter_suffix, but the function picks its keys itself (S3's filters are case-sensitive)`,
  },
  {
    title: "the notification saved before S3 may invoke the function",
    file: "bucket.tf",
    from: "  depends_on = [aws_lambda_permission.s3_invoke]\n",
    to: "",
    check: checkNotification,
    expected: `aws_s3_bucket_notification.movie_infos: must depend on ${instanceAddress("aws_lambda_permission.s3_invoke", INGEST.name)} (S3 checks the permission when saving)`,
  },
  {
    title: "a public access block flag off",
    file: "bucket.tf",
    from: "block_public_policy     = true",
    to: "block_public_policy     = false",
    check: checkSecurityDefaults,
    expected: "aws_s3_bucket.movie_infos: public access block block_public_policy must be true",
  },
  {
    title: "the TLS-only statement no longer matches plain HTTP",
    file: "bucket.tf",
    from: 'values   = ["false"]',
    to: 'values   = ["true"]',
    check: checkSecurityDefaults,
    expected:
      "aws_s3_bucket.movie_infos: the bucket policy must deny every request with aws:SecureTransport false (TLS only)",
  },
  {
    title: "versioning suspended",
    file: "bucket.tf",
    from: '    status = "Enabled"\n  }\n}\n\nresource "aws_s3_bucket_lifecycle_configuration"',
    to: '    status = "Suspended"\n  }\n}\n\nresource "aws_s3_bucket_lifecycle_configuration"',
    check: checkSecurityDefaults,
    expected: "aws_s3_bucket.movie_infos: versioning must be Enabled",
  },
  {
    title: "the ingest allowed to run concurrently",
    file: "functions.tf",
    from: "  reserved_concurrent_executions = local.limits[each.value.trigger].reserved_concurrency\n",
    to: "",
    check: checkSecurityDefaults,
    expected: RESERVED_CONCURRENCY,
  },
  {
    title: "the S3-triggered limits without the ingest's reserved concurrency",
    file: "functions.tf",
    from: "reserved_concurrency = var.ingest_reserved_concurrency",
    to: "reserved_concurrency = null",
    check: checkSecurityDefaults,
    expected: RESERVED_CONCURRENCY,
  },
  {
    title: "the ingest's reserved concurrency off by default",
    file: "variables.tf",
    from: '(Lambda keeps 10 unreserved, so any reservation fails there)."\n  type        = number\n  default     = 1\n',
    to: '(Lambda keeps 10 unreserved, so any reservation fails there)."\n  type        = number\n  default     = null\n',
    check: checkSecurityDefaults,
    expected: RESERVED_CONCURRENCY,
  },
  {
    title: "the on-failure destination removed",
    file: "functions.tf",
    from: "  destination_config {\n    on_failure {\n      destination = aws_sqs_queue.failures[each.key].arn\n    }\n  }\n",
    to: "",
    check: checkSecurityDefaults,
    expected: `${INGEST.name} (${lambda(INGEST)}): needs an on-failure destination (aws_lambda_function_event_invoke_config) to an SQS queue`,
  },
  {
    title: "X-Ray tracing passed through",
    file: "functions.tf",
    from: 'mode = "Active"',
    to: 'mode = "PassThrough"',
    check: checkSecurityDefaults,
    expected: `${GET.name} (${lambda(GET)}): X-Ray tracing_config mode must be Active`,
  },
  {
    title: "a log group without retention",
    file: "api.tf",
    from: '/access"\n  retention_in_days = var.log_retention_days\n',
    to: '/access"\n',
    check: checkSecurityDefaults,
    expected: "aws_cloudwatch_log_group.api_access: retention_in_days must be set",
  },
  {
    title: "the functions on another runtime and architecture",
    file: "functions.tf",
    from: '"nodejs24.x"\n  architectures    = ["arm64"]',
    to: '"nodejs22.x"\n  architectures    = ["x86_64"]',
    check: checkFunctions,
    expected: `${INGEST.name} (${lambda(INGEST)}): runtime nodejs22.x, expected nodejs24.x`,
  },
  {
    title: "a zip name that is not wiring's",
    file: "functions.json",
    from: `"zip": "${path.basename(GET.zip)}"`,
    to: `"zip": "${path.basename(GET.zip).replaceAll("-", "_")}"`,
    check: checkFunctions,
    expected: `${GET.name} (${lambda(GET)}): filename \${local.lambda_dist_dir}/${path.basename(GET.zip).replaceAll("-", "_")}, expected \${local.lambda_dist_dir}/${path.basename(GET.zip)} (wiring zip ${GET.zip})`,
  },
  {
    title: "a local-stack endpoint leaking into the deployed environment",
    file: "functions.tf",
    from: "MOVIES_BUCKET = aws_s3_bucket.movie_infos.bucket\n",
    to: 'MOVIES_BUCKET = aws_s3_bucket.movie_infos.bucket\n      MOVIES_S3_ENDPOINT = "http://localhost:4569"\n',
    check: checkFunctions,
    expected: `${INGEST.name} (${lambda(INGEST)}): environment MOVIES_S3_ENDPOINT is for the local stack only`,
  },
  {
    title: "the ingest without its bucket's name",
    file: "functions.tf",
    from: "      MOVIES_BUCKET = aws_s3_bucket.movie_infos.bucket\n",
    to: "",
    check: checkFunctions,
    expected: `${INGEST.name} (${lambda(INGEST)}): environment MOVIES_BUCKET must be the bucket's name`,
  },
  {
    title: "API Gateway's logging role allowed to delete log groups",
    file: "iam.tf",
    from: '      "logs:FilterLogEvents",\n',
    to: '      "logs:FilterLogEvents",\n      "logs:DeleteLogGroup",\n',
    check: checkEveryRole,
    expected:
      "aws_iam_role.api_gateway_cloudwatch (API Gateway logging): extra action logs:DeleteLogGroup (not in AmazonAPIGatewayPushToCloudWatchLogs)",
  },
  {
    title: "API Gateway's logging role on every account's logs",
    file: "iam.tf",
    from: `resources = ["arn:\${local.partition}:logs:\${var.region}:\${local.account_id}:*"]`,
    to: `resources = ["arn:\${local.partition}:logs:*:*:*"]`,
    check: checkEveryRole,
    expected: `data.aws_iam_policy_document.api_gateway_cloudwatch statement PushApiGatewayLogs: resource "arn:\${local.partition}:logs:*:*:*" is not this account's log groups in this region (arn:\${local.partition}:logs:\${var.region}:\${local.account_id}:*)`,
  },
  {
    title: "the bucket no longer refuses TLS below 1.2",
    file: "bucket.tf",
    from: 'values   = ["1.2"]',
    to: 'values   = ["1.0"]',
    check: checkResourcePolicies,
    expected:
      "aws_s3_bucket.movie_infos: the bucket policy must deny every request with s3:TlsVersion below 1.2",
  },
  {
    title: "every origin allowed by default",
    file: "variables.tf",
    from: "default     = []",
    to: 'default     = ["https://app.example.com"]',
    check: checkCors,
    expected: "variable cors_allowed_origins must be a list(string) that is [] by default",
  },
  {
    title: "any string taken as an allowed origin",
    file: "variables.tf",
    from: `regex("${ORIGIN_PATTERN}", origin)`,
    to: 'regex(".*", origin)',
    check: checkCors,
    expected: "variable cors_allowed_origins must be validated with ORIGIN_PATTERN (cors.ts)",
  },
  {
    title: "the preflight left to nobody (no OPTIONS method)",
    file: "api.tf",
    from: 'http_method   = "OPTIONS"',
    to: 'http_method   = "HEAD"',
    check: checkCors,
    expected: `OPTIONS ${PATH}: expected one aws_api_gateway_method, found 0`,
  },
  {
    title: "the preflight granting every origin",
    file: "cors-preflight.vtl",
    from: '#if("$!origin" != "" && $allowed.contains($origin))',
    to: '#if("$!origin" != "")',
    check: checkCors,
    expected: "cors-preflight.vtl: the CORS headers must be set only inside the allowed-origin #if",
  },
  {
    title: "the functions not told the allowed origins",
    file: "functions.tf",
    from: 'MOVIES_CORS_ORIGINS = join(",", var.cors_allowed_origins)',
    to: 'MOVIES_CORS_ORIGINS = ""',
    check: checkCors,
    expected: `${GET.name}: environment MOVIES_CORS_ORIGINS must be join(",", var.cors_allowed_origins) (the functions add the headers)`,
  },
  {
    title: "API Gateway's own errors echoing any origin even when one is allowed",
    file: "api.tf",
    from: `length(var.cors_allowed_origins) == 1 ? "'\${var.cors_allowed_origins[0]}'" : "method.request.header.Origin"`,
    to: '"method.request.header.Origin"',
    check: checkCors,
    expected:
      "local.cors_gateway_response_headers: API Gateway's own errors must carry Access-Control-Allow-Origin and Vary when an origin is allowed, and nothing otherwise",
  },
  {
    title: "API Gateway's own errors without the CORS headers",
    file: "api.tf",
    from: "    local.cors_gateway_response_headers,\n",
    to: "",
    check: checkCors,
    expected: `aws_api_gateway_gateway_response.problem["DEFAULT_4XX"]: response_parameters must merge local.cors_gateway_response_headers`,
  },
];

/** The mutations of what an operator meets: first apply, gateway errors, alarms, source maps. */
const OPERATIONS: readonly Mutation[] = [
  {
    title: "a role name without the region (a second region of the account collides)",
    file: "iam.tf",
    from: `name               = "\${var.name_prefix}-\${each.key}-\${local.role_suffix}"`,
    to: `name               = "\${var.name_prefix}-\${each.key}"`,
    check: checkFirstApply,
    expected: `${instanceAddress("aws_iam_role.function", GET.name)}: name "\${var.name_prefix}-${GET.name}" must carry the region (IAM role names are account-wide)`,
  },
  {
    title: "the zips read relative to the working directory",
    file: "main.tf",
    from: `"\${path.module}/../adapters-lambda/dist"`,
    to: `"../adapters-lambda/dist"`,
    check: checkFirstApply,
    expected: `local.lambda_dist_dir must default to a directory under \${path.module}, found \${coalesce(var.lambda_dist_dir, "../adapters-lambda/dist")}`,
  },
  {
    title: "the gateway responses read relative to the working directory",
    file: "api.tf",
    from: `file("\${path.module}/gateway-responses.json")`,
    to: `file("gateway-responses.json")`,
    check: checkFirstApply,
    expected: `reads "gateway-responses.json" relative to the working directory: start it with \${path.module}/ (the module may be a child)`,
  },
  {
    title: "the wiring read relative to the working directory",
    file: "functions.tf",
    from: `file("\${path.module}/functions.json")`,
    to: `file("functions.json")`,
    check: checkFirstApply,
    expected: `reads "functions.json" relative to the working directory: start it with \${path.module}/ (the module may be a child)`,
  },
  {
    title: "the region's API Gateway account setting taken over by default",
    file: "variables.tf",
    from: 'and destroying it resets it."\n  type        = bool\n  default     = false',
    to: 'and destroying it resets it."\n  type        = bool\n  default     = true',
    check: checkFirstApply,
    expected:
      "variable manage_api_gateway_account must default to false (the setting is region-wide)",
  },
  {
    title: "stage logs on where no CloudWatch role may be set",
    file: "main.tf",
    from: "api_logging = var.manage_api_gateway_account || var.api_stage_logging",
    to: "api_logging = true",
    check: checkFirstApply,
    expected:
      "local.api_logging must be var.manage_api_gateway_account || var.api_stage_logging (logs need the role)",
  },
  {
    title: "execution logs on regardless of the role",
    file: "api.tf",
    from: `logging_level          = local.api_logging ? "ERROR" : "OFF"`,
    to: `logging_level          = "ERROR"`,
    check: checkApi,
    expected:
      "aws_api_gateway_method_settings.all: logging_level must be ERROR when local.api_logging, else OFF",
  },
  {
    title: "gateway errors sent as JSON, not problem+json",
    file: "api.tf",
    from: `"'application/problem+json'"`,
    to: `"'application/json'"`,
    check: checkGatewayResponses,
    expected: `${instanceAddress("aws_api_gateway_gateway_response.problem", "DEFAULT_4XX")}: the Content-Type header must be application/problem+json`,
  },
  {
    title: "gateway-responses.json edited by hand",
    file: "gateway-responses.json",
    from: `"THROTTLED": {\n    "status_code": "429"`,
    to: `"THROTTLED": {\n    "status_code": "503"`,
    check: checkGatewayResponses,
    expected:
      "gateway-responses.json differs from GATEWAY_RESPONSES (src/http/gateway-responses.ts): run node packages/infra-terraform/scripts/write-gateway-responses.ts",
  },
  {
    title: "a gateway response change that would not redeploy",
    file: "api.tf",
    from: "      aws_api_gateway_gateway_response.problem,\n",
    to: "",
    check: checkApi,
    expected:
      "aws_api_gateway_deployment.movies: triggers do not cover aws_api_gateway_gateway_response.problem, so changing it would not redeploy",
  },
  {
    title: "the failed-ingest alarm on a metric the ingest does not publish",
    file: "alarms.tf",
    from: 'metric_name         = "IngestsFailed"',
    to: 'metric_name         = "IngestFailures"',
    check: checkAlarms,
    expected: `no alarm on failed ingests: Movies IngestsFailed {"service":"movies"}`,
  },
  {
    title: "the API alarm on 4xx instead of 5xx",
    file: "alarms.tf",
    from: 'metric_name         = "5XXError"',
    to: 'metric_name         = "4XXError"',
    check: checkAlarms,
    expected: `no alarm on API 5xx: AWS/ApiGateway 5XXError {"ApiName":"\${aws_api_gateway_rest_api.movies.name}","Stage":"\${aws_api_gateway_stage.live.stage_name}"}`,
  },
  {
    title: "the throttled-requests filter counting another status",
    file: "alarms.tf",
    from: `pattern        = "{ $.status = \\"429\\" }"`,
    to: `pattern        = "{ $.status = \\"403\\" }"`,
    check: checkAlarms,
    expected:
      "no alarm on throttled API requests: a metric filter counting status 429 in the access log, and an alarm on its metric",
  },
  {
    title: "the HTTP functions' throttles unwatched",
    file: "alarms.tf",
    from: "  for_each = local.wiring.http_routes\n\n  alarm_name          = ",
    to: "  for_each = local.wiring.s3_notifications\n\n  alarm_name          = ",
    check: checkAlarms,
    expected: `no alarm on Lambda Throttles of ${GET.name}: AWS/Lambda Throttles {"FunctionName":"\${${lambda(GET).replaceAll('"', '\\"')}.function_name}"}`,
  },
  {
    title: "an alarm that does not say when it recovers",
    file: "alarms.tf",
    from: '  threshold           = 0\n  treat_missing_data  = "notBreaching"\n  alarm_actions       = local.alarm_actions\n  ok_actions          = local.alarm_actions\n}\n\nresource "aws_cloudwatch_metric_alarm" "api_5xx"',
    to: '  threshold           = 0\n  treat_missing_data  = "notBreaching"\n  alarm_actions       = local.alarm_actions\n}\n\nresource "aws_cloudwatch_metric_alarm" "api_5xx"',
    check: checkAlarms,
    expected: `aws_cloudwatch_metric_alarm.ingests_failed: ok_actions must be \${local.alarm_actions}`,
  },
  {
    title: "source maps off in a function",
    file: "functions.tf",
    from: "      MOVIES_TABLE  = aws_dynamodb_table.movies.name\n      MOVIES_BUCKET = aws_s3_bucket.movie_infos.bucket\n      NODE_OPTIONS  = local.node_options\n",
    to: "      MOVIES_TABLE  = aws_dynamodb_table.movies.name\n      MOVIES_BUCKET = aws_s3_bucket.movie_infos.bucket\n",
    check: checkFunctions,
    expected: `${INGEST.name} (${lambda(INGEST)}): environment NODE_OPTIONS must be --enable-source-maps (stack traces point at the sources)`,
  },
];

let copy: string | undefined;

afterEach(async () => {
  if (copy) {
    await removeCopy(copy);
  }
  copy = undefined;
});

async function brokenCopy(edit: (dir: string) => Promise<void>): Promise<TfModule> {
  copy = await copyModule(MODULE_DIR);
  await edit(copy);
  return loadModule(copy);
}

function allViolations(mod: TfModule): string[] {
  return Object.values(ALL_CHECKS).flatMap((check) => check(mod));
}

describe("the contract checks catch a broken module", () => {
  it("an unmodified copy passes every check", async () => {
    const mod = await brokenCopy(async () => {});
    expect(allViolations(mod)).toEqual([]);
  });

  it.each([...MUTATIONS, ...OPERATIONS, ...STATE_MACHINE])(
    "$title",
    async ({ file, from, to, check, expected }) => {
      const mod = await brokenCopy((dir) => mutate(dir, file, from, to));
      expect(check(mod)).toContain(expected);
    },
  );

  it("a managed policy attached to a function role", async () => {
    const mod = await brokenCopy((dir) =>
      append(
        dir,
        "iam.tf",
        `resource "aws_iam_role_policy_attachment" "admin" {\n  role       = aws_iam_role.function["${GET.name}"].name\n  policy_arn = "arn:aws:iam::aws:policy/AdministratorAccess"\n}`,
      ),
    );
    expect(checkIamPolicies(mod)).toContain(
      `${role(GET)}: aws_iam_role_policy_attachment.admin attaches a managed policy the checks cannot read`,
    );
  });

  it("a second, wider invoke permission for a function", async () => {
    const mod = await brokenCopy((dir) =>
      append(
        dir,
        "api.tf",
        `resource "aws_lambda_permission" "api_invoke_get_movie_any" {\n  statement_id  = "AllowAny"\n  action        = "lambda:InvokeFunction"\n  function_name = aws_lambda_function.function["${GET.name}"].function_name\n  principal     = "apigateway.amazonaws.com"\n  source_arn    = "\${aws_api_gateway_rest_api.movies.execution_arn}/*"\n}`,
      ),
    );
    expect(checkInvokePermissions(mod)).toContain(
      `aws_lambda_permission.api_invoke_get_movie_any: source_arn \${aws_api_gateway_rest_api.movies.execution_arn}/*, expected exactly ${sourceArn(GET)} or ${sourceArn(GET).replace("/GET/", "/HEAD/")}`,
    );
  });

  it("a route that wiring.ts does not have", async () => {
    const mod = await brokenCopy((dir) =>
      append(
        dir,
        "api.tf",
        `resource "aws_api_gateway_method" "post_movie" {\n  rest_api_id   = aws_api_gateway_rest_api.movies.id\n  resource_id   = aws_api_gateway_resource.movie.id\n  http_method   = "POST"\n  authorization = "NONE"\n}`,
      ),
    );
    expect(checkApi(mod)).toContain(
      "route POST /movies/{movie_id} (aws_api_gateway_method.post_movie) is not in wiring.ts",
    );
  });
});
