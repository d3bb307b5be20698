/**
 * The contract checks bite: each test copies the module, breaks one thing on purpose and expects
 * the check that guards it to report that specific violation.
 */
import { afterEach, describe, expect, it } from "vitest";
import { ALL_CHECKS } from "./all-checks.ts";
import {
  type Check,
  checkAlarms,
  checkApi,
  checkEveryRole,
  checkFirstApply,
  checkFunctions,
  checkGatewayResponses,
  checkIamPolicies,
  checkInvokePermissions,
  checkNotification,
  checkNoWildcards,
  checkResourcePolicies,
  checkSecurityDefaults,
} from "./checks.ts";
import { loadModule, type TfModule } from "./load-module.ts";
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

const RESERVED_CONCURRENCY =
  "ingest-movie-infos (aws_lambda_function.ingest_movie_infos): reserved_concurrent_executions must be var.ingest_reserved_concurrency, 1 by default (one snapshot at a time) and nullable (accounts at the 10-execution quota)";

const MUTATIONS: readonly Mutation[] = [
  {
    title: "a role granted dynamodb:* is a wildcard action",
    file: "iam.tf",
    from: 'actions   = ["dynamodb:Query"]',
    to: 'actions   = ["dynamodb:*"]',
    check: checkNoWildcards,
    expected:
      'data.aws_iam_policy_document.get_movie statement MoviesTable: wildcard action "dynamodb:*"',
  },
  {
    title: "a role granted dynamodb:* has an action wiring.ts does not list",
    file: "iam.tf",
    from: 'actions   = ["dynamodb:Query"]',
    to: 'actions   = ["dynamodb:*"]',
    check: checkIamPolicies,
    expected:
      "get-movie (aws_iam_role.get_movie): extra action dynamodb:* (not in wiring.ts nor the fixed sets)",
  },
  {
    title: "a role given an extra action",
    file: "iam.tf",
    from: '"dynamodb:UpdateItem", "dynamodb:Query"]',
    to: '"dynamodb:UpdateItem", "dynamodb:Query", "dynamodb:DeleteItem"]',
    check: checkIamPolicies,
    expected:
      "update-movie-rating (aws_iam_role.update_movie_rating): extra action dynamodb:DeleteItem (not in wiring.ts nor the fixed sets)",
  },
  {
    title: "a role missing an action its code calls",
    file: "iam.tf",
    from: '"dynamodb:GetItem", ',
    to: "",
    check: checkIamPolicies,
    expected:
      "ingest-movie-infos (aws_iam_role.ingest_movie_infos): missing action dynamodb:GetItem",
  },
  {
    title: "report writes widened from reports/ to the whole bucket",
    file: "iam.tf",
    from: `resources = ["\${aws_s3_bucket.movie_infos.arn}/reports/*"]`,
    to: `resources = ["\${aws_s3_bucket.movie_infos.arn}/*"]`,
    check: checkIamPolicies,
    expected: `ingest-movie-infos (aws_iam_role.ingest_movie_infos): s3:PutObject on \${aws_s3_bucket.movie_infos.arn}/* is not allowed by wiring.ts`,
  },
  {
    title: "a table statement on every resource",
    file: "iam.tf",
    from: 'actions   = ["dynamodb:Query"]\n    resources = [aws_dynamodb_table.movies.arn]',
    to: 'actions   = ["dynamodb:Query"]\n    resources = ["*"]',
    check: checkNoWildcards,
    expected:
      'data.aws_iam_policy_document.get_movie statement MoviesTable: wildcard resource "*" is only allowed for xray:PutTraceSegments, xray:PutTelemetryRecords',
  },
  {
    title: "a trust policy that lets another service assume a function role",
    file: "iam.tf",
    from: 'identifiers = ["lambda.amazonaws.com"]',
    to: 'identifiers = ["lambda.amazonaws.com", "ec2.amazonaws.com"]',
    check: checkIamPolicies,
    expected:
      "get-movie (aws_iam_role.get_movie): the trust policy must let only lambda.amazonaws.com assume the role",
  },
  {
    title: "a policy written as jsonencode the checks cannot read",
    file: "iam.tf",
    from: "policy = data.aws_iam_policy_document.get_movie.json",
    to: 'policy = jsonencode({ Version = "2012-10-17", Statement = [{ Effect = "Allow", Action = "*", Resource = "*" }] })',
    check: checkNoWildcards,
    expected:
      "aws_iam_role_policy.get_movie.policy must be an aws_iam_policy_document (readable by the checks)",
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
    expected:
      "route PATCH /movies/{movie_id}: authorization by default is NONE, wiring.ts says AWS_IAM",
  },
  {
    title: "GET wired to the rating function",
    file: "api.tf",
    from: "uri                     = aws_lambda_function.get_movie.invoke_arn",
    to: "uri                     = aws_lambda_function.update_movie_rating.invoke_arn",
    check: checkApi,
    expected: `route GET /movies/{movie_id}: integration uri \${aws_lambda_function.update_movie_rating.invoke_arn} is not aws_lambda_function.get_movie.invoke_arn (get-movie)`,
  },
  {
    title: "an API permission not scoped to its method and path",
    file: "api.tf",
    from: 'execution_arn}/*/GET/movies/*"',
    to: 'execution_arn}/*"',
    check: checkApi,
    expected: `route GET /movies/{movie_id}: no aws_lambda_permission for get-movie with source_arn \${aws_api_gateway_rest_api.movies.execution_arn}/*/GET/movies/*`,
  },
  {
    title: "a deployment that would not redeploy when the PATCH method changes",
    file: "api.tf",
    from: "      aws_api_gateway_method.update_movie_rating,\n",
    to: "",
    check: checkApi,
    expected:
      "aws_api_gateway_deployment.movies: triggers do not cover aws_api_gateway_method.update_movie_rating, so changing it would not redeploy",
  },
  {
    title: "a case-sensitive suffix filter on the notification",
    file: "bucket.tf",
    from: 'events              = ["s3:ObjectCreated:*"]',
    to: 'events              = ["s3:ObjectCreated:*"]\n    filter_suffix       = ".csv"',
    check: checkNotification,
    expected:
      "aws_s3_bucket_notification.movie_infos: ingest-movie-infos has a filter_suffix, but the function picks its keys itself (S3's filters are case-sensitive)",
  },
  {
    title: "the notification saved before S3 may invoke the function",
    file: "bucket.tf",
    from: "  depends_on = [aws_lambda_permission.s3_invoke_ingest_movie_infos]\n",
    to: "",
    check: checkNotification,
    expected:
      "aws_s3_bucket_notification.movie_infos: must depend on aws_lambda_permission.s3_invoke_ingest_movie_infos (S3 checks the permission when saving)",
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
    from: "  reserved_concurrent_executions = var.ingest_reserved_concurrency\n",
    to: "",
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
    title: "the ingest on-failure destination removed",
    file: "functions.tf",
    from: "  destination_config {\n    on_failure {\n      destination = aws_sqs_queue.ingest_failures.arn\n    }\n  }\n",
    to: "",
    check: checkSecurityDefaults,
    expected:
      "ingest-movie-infos (aws_lambda_function.ingest_movie_infos): needs an on-failure destination (aws_lambda_function_event_invoke_config) to an SQS queue",
  },
  {
    title: "X-Ray tracing passed through",
    file: "functions.tf",
    from: 'mode = "Active"\n  }\n\n  logging_config {\n    log_format            = "JSON"\n    log_group             = aws_cloudwatch_log_group.get_movie.name',
    to: 'mode = "PassThrough"\n  }\n\n  logging_config {\n    log_format            = "JSON"\n    log_group             = aws_cloudwatch_log_group.get_movie.name',
    check: checkSecurityDefaults,
    expected: "get-movie (aws_lambda_function.get_movie): X-Ray tracing_config mode must be Active",
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
    title: "the ingest on another runtime and architecture",
    file: "functions.tf",
    from: '"nodejs24.x"\n  architectures    = ["arm64"]\n\n  memory_size = var.ingest_memory_mb',
    to: '"nodejs22.x"\n  architectures    = ["x86_64"]\n\n  memory_size = var.ingest_memory_mb',
    check: checkFunctions,
    expected:
      "ingest-movie-infos (aws_lambda_function.ingest_movie_infos): runtime nodejs22.x, expected nodejs24.x",
  },
  {
    title: "a zip name that is not wiring's",
    file: "functions.tf",
    from: `filename         = "\${local.lambda_dist_dir}/get-movie.zip"`,
    to: `filename         = "\${local.lambda_dist_dir}/get_movie.zip"`,
    check: checkFunctions,
    expected: `get-movie (aws_lambda_function.get_movie): filename \${local.lambda_dist_dir}/get_movie.zip, expected \${local.lambda_dist_dir}/get-movie.zip (wiring zip dist/get-movie.zip)`,
  },
  {
    title: "a local-stack endpoint leaking into the deployed environment",
    file: "functions.tf",
    from: "MOVIES_BUCKET = aws_s3_bucket.movie_infos.bucket\n",
    to: 'MOVIES_BUCKET = aws_s3_bucket.movie_infos.bucket\n      MOVIES_S3_ENDPOINT = "http://localhost:4569"\n',
    check: checkFunctions,
    expected:
      "ingest-movie-infos (aws_lambda_function.ingest_movie_infos): environment MOVIES_S3_ENDPOINT is for the local stack only",
  },
  {
    title: "the ingest without its bucket's name",
    file: "functions.tf",
    from: "      MOVIES_BUCKET = aws_s3_bucket.movie_infos.bucket\n",
    to: "",
    check: checkFunctions,
    expected:
      "ingest-movie-infos (aws_lambda_function.ingest_movie_infos): environment MOVIES_BUCKET must be the bucket's name",
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
];

/** The mutations of what an operator meets: first apply, gateway errors, alarms, source maps. */
const OPERATIONS: readonly Mutation[] = [
  {
    title: "a role name without the region (a second region of the account collides)",
    file: "iam.tf",
    from: `name               = "\${var.name_prefix}-get-movie-\${local.role_suffix}"`,
    to: `name               = "\${var.name_prefix}-get-movie"`,
    check: checkFirstApply,
    expected: `aws_iam_role.get_movie: name "\${var.name_prefix}-get-movie" must carry the region (IAM role names are account-wide)`,
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
    expected:
      "aws_api_gateway_gateway_response.problem: the Content-Type header must be application/problem+json",
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
    title: "a function's throttles unwatched",
    file: "alarms.tf",
    from: '    "get-movie"           = aws_lambda_function.get_movie.function_name\n',
    to: "",
    check: checkAlarms,
    expected: "no alarm on Lambda Throttles of get-movie",
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
    expected:
      "ingest-movie-infos (aws_lambda_function.ingest_movie_infos): environment NODE_OPTIONS must be --enable-source-maps (stack traces point at the sources)",
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

  it.each([...MUTATIONS, ...OPERATIONS])("$title", async ({ file, from, to, check, expected }) => {
    const mod = await brokenCopy((dir) => mutate(dir, file, from, to));
    expect(check(mod)).toContain(expected);
  });

  it("a managed policy attached to a function role", async () => {
    const mod = await brokenCopy((dir) =>
      append(
        dir,
        "iam.tf",
        `resource "aws_iam_role_policy_attachment" "admin" {\n  role       = aws_iam_role.get_movie.name\n  policy_arn = "arn:aws:iam::aws:policy/AdministratorAccess"\n}`,
      ),
    );
    expect(checkIamPolicies(mod)).toContain(
      "get-movie (aws_iam_role.get_movie): aws_iam_role_policy_attachment.admin attaches a managed policy the checks cannot read",
    );
  });

  it("a second, wider invoke permission for a function", async () => {
    const mod = await brokenCopy((dir) =>
      append(
        dir,
        "api.tf",
        `resource "aws_lambda_permission" "api_invoke_get_movie_any" {\n  statement_id  = "AllowAny"\n  action        = "lambda:InvokeFunction"\n  function_name = aws_lambda_function.get_movie.function_name\n  principal     = "apigateway.amazonaws.com"\n  source_arn    = "\${aws_api_gateway_rest_api.movies.execution_arn}/*"\n}`,
      ),
    );
    expect(checkInvokePermissions(mod)).toContain(
      `aws_lambda_permission.api_invoke_get_movie_any: source_arn \${aws_api_gateway_rest_api.movies.execution_arn}/*, expected exactly \${aws_api_gateway_rest_api.movies.execution_arn}/*/GET/movies/*`,
    );
  });

  it("a route that wiring.ts does not have", async () => {
    const mod = await brokenCopy((dir) =>
      append(
        dir,
        "api.tf",
        `resource "aws_api_gateway_method" "delete_movie" {\n  rest_api_id   = aws_api_gateway_rest_api.movies.id\n  resource_id   = aws_api_gateway_resource.movie.id\n  http_method   = "DELETE"\n  authorization = "NONE"\n}`,
      ),
    );
    expect(checkApi(mod)).toContain(
      "route DELETE /movies/{movie_id} (aws_api_gateway_method.delete_movie) is not in wiring.ts",
    );
  });
});
