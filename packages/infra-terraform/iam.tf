# One role per function. Each allows exactly the DynamoDB and S3 actions wiring.ts lists for the
# function (tableActions on the table, bucketGrants on the bucket's objects under their prefix),
# writing to its own log group, X-Ray segments, and for the ingest its failure destination.
# The lists are literal so that the contract tests (test/) can compare them with wiring.ts.

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

# --- ingest-movie-infos -----------------------------------------------------------------------

resource "aws_iam_role" "ingest_movie_infos" {
  name               = "${var.name_prefix}-ingest-movie-infos-${local.role_suffix}"
  description        = "Execution role of the ingest-movie-infos function."
  assume_role_policy = data.aws_iam_policy_document.lambda_assume_role.json
}

data "aws_iam_policy_document" "ingest_movie_infos" {
  statement {
    sid       = "MoviesTable"
    effect    = "Allow"
    actions   = ["dynamodb:BatchWriteItem", "dynamodb:GetItem", "dynamodb:PutItem"]
    resources = [aws_dynamodb_table.movies.arn]
  }

  statement {
    sid       = "ReadSnapshots"
    effect    = "Allow"
    actions   = ["s3:GetObject", "s3:GetObjectVersion"]
    resources = ["${aws_s3_bucket.movie_infos.arn}/*"]
  }

  statement {
    sid       = "WriteReports"
    effect    = "Allow"
    actions   = ["s3:PutObject"]
    resources = ["${aws_s3_bucket.movie_infos.arn}/reports/*"]
  }

  statement {
    sid       = "OwnLogGroup"
    effect    = "Allow"
    actions   = ["logs:CreateLogStream", "logs:PutLogEvents"]
    resources = ["${aws_cloudwatch_log_group.ingest_movie_infos.arn}:*"]
  }

  statement {
    sid       = "XRayTraces"
    effect    = "Allow"
    actions   = ["xray:PutTraceSegments", "xray:PutTelemetryRecords"]
    resources = ["*"]
  }

  statement {
    sid       = "FailureDestination"
    effect    = "Allow"
    actions   = ["sqs:SendMessage"]
    resources = [aws_sqs_queue.ingest_failures.arn]
  }
}

resource "aws_iam_role_policy" "ingest_movie_infos" {
  name   = "least-privilege"
  role   = aws_iam_role.ingest_movie_infos.id
  policy = data.aws_iam_policy_document.ingest_movie_infos.json
}

# --- update-movie-rating ----------------------------------------------------------------------

resource "aws_iam_role" "update_movie_rating" {
  name               = "${var.name_prefix}-update-movie-rating-${local.role_suffix}"
  description        = "Execution role of the update-movie-rating function."
  assume_role_policy = data.aws_iam_policy_document.lambda_assume_role.json
}

data "aws_iam_policy_document" "update_movie_rating" {
  # TransactWriteItems is authorised per item action: ConditionCheckItem + UpdateItem.
  statement {
    sid       = "MoviesTable"
    effect    = "Allow"
    actions   = ["dynamodb:ConditionCheckItem", "dynamodb:UpdateItem", "dynamodb:Query"]
    resources = [aws_dynamodb_table.movies.arn]
  }

  statement {
    sid       = "OwnLogGroup"
    effect    = "Allow"
    actions   = ["logs:CreateLogStream", "logs:PutLogEvents"]
    resources = ["${aws_cloudwatch_log_group.update_movie_rating.arn}:*"]
  }

  statement {
    sid       = "XRayTraces"
    effect    = "Allow"
    actions   = ["xray:PutTraceSegments", "xray:PutTelemetryRecords"]
    resources = ["*"]
  }
}

resource "aws_iam_role_policy" "update_movie_rating" {
  name   = "least-privilege"
  role   = aws_iam_role.update_movie_rating.id
  policy = data.aws_iam_policy_document.update_movie_rating.json
}

# --- get-movie --------------------------------------------------------------------------------

resource "aws_iam_role" "get_movie" {
  name               = "${var.name_prefix}-get-movie-${local.role_suffix}"
  description        = "Execution role of the get-movie function."
  assume_role_policy = data.aws_iam_policy_document.lambda_assume_role.json
}

data "aws_iam_policy_document" "get_movie" {
  statement {
    sid       = "MoviesTable"
    effect    = "Allow"
    actions   = ["dynamodb:Query"]
    resources = [aws_dynamodb_table.movies.arn]
  }

  statement {
    sid       = "OwnLogGroup"
    effect    = "Allow"
    actions   = ["logs:CreateLogStream", "logs:PutLogEvents"]
    resources = ["${aws_cloudwatch_log_group.get_movie.arn}:*"]
  }

  statement {
    sid       = "XRayTraces"
    effect    = "Allow"
    actions   = ["xray:PutTraceSegments", "xray:PutTelemetryRecords"]
    resources = ["*"]
  }
}

resource "aws_iam_role_policy" "get_movie" {
  name   = "least-privilege"
  role   = aws_iam_role.get_movie.id
  policy = data.aws_iam_policy_document.get_movie.json
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
