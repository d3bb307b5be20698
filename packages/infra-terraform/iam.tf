# One role per function. Each allows exactly the DynamoDB and S3 actions wiring.ts lists for the
# function (functions.json: table_grants on the table, bucket_grants on the bucket's objects under
# their prefix), writing to its own log group, X-Ray segments, and for an asynchronously invoked
# function its failure queue. The contract tests (test/) compare them with wiring.ts.

data "aws_iam_policy_document" "lambda_assume_role" {
  statement {
    sid     = "LambdaAssumeRole"
    effect  = "Allow"
    actions = ["sts:AssumeRole"]

    principals {
      type        = "Service"
      identifiers = ["lambda.amazonaws.com"]
    }
  }
}

# --- The functions' roles, one per entry of functions.json -----------------------------------

resource "aws_iam_role" "function" {
  for_each = local.wiring.functions

  name               = "${var.name_prefix}-${each.key}-${local.role_suffix}"
  description        = "Execution role of the ${each.key} function."
  assume_role_policy = data.aws_iam_policy_document.lambda_assume_role.json
}

data "aws_iam_policy_document" "function" {
  for_each = local.wiring.functions

  # The wiring's table actions (TransactWriteItems is authorised per item action).
  dynamic "statement" {
    for_each = each.value.table_grants

    content {
      sid       = "MoviesTable"
      effect    = "Allow"
      actions   = statement.value.actions
      resources = [aws_dynamodb_table.movies.arn]
    }
  }

  # The wiring's bucket grants, each on the objects under its prefix.
  dynamic "statement" {
    for_each = each.value.bucket_grants

    content {
      sid       = "MovieInfosBucket${statement.key}"
      effect    = "Allow"
      actions   = statement.value.actions
      resources = ["${aws_s3_bucket.movie_infos.arn}/${statement.value.prefix}*"]
    }
  }

  # The wiring's listings, each limited to keys under its prefix.
  dynamic "statement" {
    for_each = each.value.bucket_list_prefixes

    content {
      sid       = "MovieInfosList${statement.key}"
      effect    = "Allow"
      actions   = ["s3:ListBucket"]
      resources = [aws_s3_bucket.movie_infos.arn]

      condition {
        test     = "StringLike"
        variable = "s3:prefix"
        values   = ["${statement.value}*"]
      }
    }
  }

  # The wiring's actions on the fan-out state machine (the ingest starts it).
  dynamic "statement" {
    for_each = each.value.state_machine_actions

    content {
      sid       = "FanOutStateMachine${statement.key}"
      effect    = "Allow"
      actions   = [statement.value]
      resources = [local.fan_out_state_machine_arn]
    }
  }

  statement {
    sid       = "OwnLogGroup"
    effect    = "Allow"
    actions   = ["logs:CreateLogStream", "logs:PutLogEvents"]
    resources = ["${aws_cloudwatch_log_group.function[each.key].arn}:*"]
  }

  statement {
    sid       = "XRayTraces"
    effect    = "Allow"
    actions   = ["xray:PutTraceSegments", "xray:PutTelemetryRecords"]
    resources = ["*"]
  }
}

resource "aws_iam_role_policy" "function" {
  for_each = local.wiring.functions

  name   = "least-privilege"
  role   = aws_iam_role.function[each.key].id
  policy = data.aws_iam_policy_document.function[each.key].json
}

# Asynchronously invoked functions send what they could not process to their failure queue.
data "aws_iam_policy_document" "failure_destination" {
  for_each = local.wiring.async_functions

  statement {
    sid       = "FailureDestination"
    effect    = "Allow"
    actions   = ["sqs:SendMessage"]
    resources = [aws_sqs_queue.failures[each.key].arn]
  }
}

resource "aws_iam_role_policy" "failure_destination" {
  for_each = local.wiring.async_functions

  name   = "failure-destination"
  role   = aws_iam_role.function[each.key].id
  policy = data.aws_iam_policy_document.failure_destination[each.key].json
}

# --- API Gateway's CloudWatch role (region-wide account setting, see api.tf) --------------------

data "aws_iam_policy_document" "api_gateway_assume_role" {
  statement {
    sid     = "ApiGatewayAssumeRole"
    effect  = "Allow"
    actions = ["sts:AssumeRole"]

    principals {
      type        = "Service"
      identifiers = ["apigateway.amazonaws.com"]
    }
  }
}

resource "aws_iam_role" "api_gateway_cloudwatch" {
  count = var.manage_api_gateway_account ? 1 : 0

  name               = "${var.name_prefix}-api-gateway-cloudwatch-${local.role_suffix}"
  description        = "Lets API Gateway write stage access and execution logs in this region."
  assume_role_policy = data.aws_iam_policy_document.api_gateway_assume_role.json
}

# The actions of the AWS managed policy AmazonAPIGatewayPushToCloudWatchLogs, limited to this
# account's log groups in this region.
data "aws_iam_policy_document" "api_gateway_cloudwatch" {
  statement {
    sid    = "PushApiGatewayLogs"
    effect = "Allow"
    actions = [
      "logs:CreateLogGroup",
      "logs:CreateLogStream",
      "logs:DescribeLogGroups",
      "logs:DescribeLogStreams",
      "logs:PutLogEvents",
      "logs:GetLogEvents",
      "logs:FilterLogEvents",
    ]
    resources = ["arn:${local.partition}:logs:${var.region}:${local.account_id}:*"]
  }
}

resource "aws_iam_role_policy" "api_gateway_cloudwatch" {
  count = var.manage_api_gateway_account ? 1 : 0

  name   = "push-logs"
  role   = aws_iam_role.api_gateway_cloudwatch[0].id
  policy = data.aws_iam_policy_document.api_gateway_cloudwatch.json
}
