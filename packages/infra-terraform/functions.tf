# The three functions of packages/adapters-lambda/src/wiring.ts (FUNCTIONS): the same names, the
# zips its build writes (dist/<name>.zip, handler index.handler) and the ENV variable names (the
# bucket's name only for the function that has bucket grants).
# Each has its own role (iam.tf), its own log group with a retention, JSON logs and X-Ray tracing.

locals {
  # Stack traces name the TypeScript sources: the zips carry source maps (docs/performance.md
  # gives what it costs at cold start).
  node_options = "--enable-source-maps"
}

# --- ingest-movie-infos: S3 ObjectCreated *.csv -> upsert MovieInfo rows ----------------------

resource "aws_cloudwatch_log_group" "ingest_movie_infos" {
  name              = "/aws/lambda/${var.name_prefix}-ingest-movie-infos"
  retention_in_days = var.log_retention_days
}

resource "aws_lambda_function" "ingest_movie_infos" {
  function_name = "${var.name_prefix}-ingest-movie-infos"
  description   = "Ingests a movie-infos CSV snapshot uploaded to the bucket."
  role          = aws_iam_role.ingest_movie_infos.arn

  filename         = "${local.lambda_dist_dir}/ingest-movie-infos.zip"
  source_code_hash = filebase64sha256("${local.lambda_dist_dir}/ingest-movie-infos.zip")
  handler          = "index.handler"
  runtime          = "nodejs24.x"
  architectures    = ["arm64"]

  memory_size = var.ingest_memory_mb
  timeout     = var.ingest_timeout_seconds

  # Snapshots are processed one at a time; S3 events wait in Lambda's async queue meanwhile.
  # Null (no reservation) for accounts whose concurrency quota is still 10.
  reserved_concurrent_executions = var.ingest_reserved_concurrency

  environment {
    variables = {
      MOVIES_TABLE  = aws_dynamodb_table.movies.name
      MOVIES_BUCKET = aws_s3_bucket.movie_infos.bucket
      NODE_OPTIONS  = local.node_options
    }
  }

  tracing_config {
    mode = "Active"
  }

  logging_config {
    log_format            = "JSON"
    log_group             = aws_cloudwatch_log_group.ingest_movie_infos.name
    application_log_level = var.log_level
    system_log_level      = "WARN"
  }

  depends_on = [aws_iam_role_policy.ingest_movie_infos]
}

# An S3 event the function could not process (after Lambda's retries, or too old) is kept here
# with its payload instead of being dropped; re-upload the object to ingest it again.
resource "aws_sqs_queue" "ingest_failures" {
  name                      = "${var.name_prefix}-ingest-movie-infos-failures"
  message_retention_seconds = 1209600
  sqs_managed_sse_enabled   = true
}

resource "aws_lambda_function_event_invoke_config" "ingest_movie_infos" {
  function_name                = aws_lambda_function.ingest_movie_infos.function_name
  maximum_retry_attempts       = 2
  maximum_event_age_in_seconds = 21600

  destination_config {
    on_failure {
      destination = aws_sqs_queue.ingest_failures.arn
    }
  }
}

# --- update-movie-rating: PATCH /movies/{movie_id} ------------------------------------------

resource "aws_cloudwatch_log_group" "update_movie_rating" {
  name              = "/aws/lambda/${var.name_prefix}-update-movie-rating"
  retention_in_days = var.log_retention_days
}

resource "aws_lambda_function" "update_movie_rating" {
  function_name = "${var.name_prefix}-update-movie-rating"
  description   = "PATCH /movies/{movie_id}: sets a movie's ratings."
  role          = aws_iam_role.update_movie_rating.arn

  filename         = "${local.lambda_dist_dir}/update-movie-rating.zip"
  source_code_hash = filebase64sha256("${local.lambda_dist_dir}/update-movie-rating.zip")
  handler          = "index.handler"
  runtime          = "nodejs24.x"
  architectures    = ["arm64"]

  memory_size = var.api_memory_mb
  timeout     = var.api_timeout_seconds

  environment {
    variables = {
      MOVIES_TABLE = aws_dynamodb_table.movies.name
      NODE_OPTIONS = local.node_options
    }
  }

  tracing_config {
    mode = "Active"
  }

  logging_config {
    log_format            = "JSON"
    log_group             = aws_cloudwatch_log_group.update_movie_rating.name
    application_log_level = var.log_level
    system_log_level      = "WARN"
  }

  depends_on = [aws_iam_role_policy.update_movie_rating]
}

# --- get-movie: GET /movies/{movie_id} ------------------------------------------------------

resource "aws_cloudwatch_log_group" "get_movie" {
  name              = "/aws/lambda/${var.name_prefix}-get-movie"
  retention_in_days = var.log_retention_days
}

resource "aws_lambda_function" "get_movie" {
  function_name = "${var.name_prefix}-get-movie"
  description   = "GET /movies/{movie_id}: a movie's info and ratings."
  role          = aws_iam_role.get_movie.arn

  filename         = "${local.lambda_dist_dir}/get-movie.zip"
  source_code_hash = filebase64sha256("${local.lambda_dist_dir}/get-movie.zip")
  handler          = "index.handler"
  runtime          = "nodejs24.x"
  architectures    = ["arm64"]

  memory_size = var.api_memory_mb
  timeout     = var.api_timeout_seconds

  environment {
    variables = {
      MOVIES_TABLE = aws_dynamodb_table.movies.name
      NODE_OPTIONS = local.node_options
    }
  }

  tracing_config {
    mode = "Active"
  }

  logging_config {
    log_format            = "JSON"
    log_group             = aws_cloudwatch_log_group.get_movie.name
    application_log_level = var.log_level
    system_log_level      = "WARN"
  }

  depends_on = [aws_iam_role_policy.get_movie]
}
