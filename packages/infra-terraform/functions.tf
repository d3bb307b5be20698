# The functions of packages/adapters-lambda/src/wiring.ts, one instance per entry of
# functions.json (written from it by scripts/write-functions.ts): the same names, the zips its
# build writes (dist/<name>.zip, handler index.handler) and the ENV variable names.
# Each has its own role (iam.tf), its own log group with a retention, JSON logs and X-Ray tracing.
# Adding a function is an entry in wiring.ts and a regenerated functions.json, nothing here.

locals {
  wiring = jsondecode(file("${path.module}/functions.json"))

  # Stack traces name the TypeScript sources: the zips carry source maps (docs/performance.md
  # gives what it costs at cold start).
  node_options = "--enable-source-maps"

  # Limits by trigger: the ingest variables for S3-triggered functions, the API variables for
  # HTTP-triggered ones. S3-triggered functions process snapshots one at a time (events wait in
  # Lambda's async queue meanwhile); null reserves nothing, for accounts whose quota is still 10.
  limits = {
    s3 = {
      memory_size          = var.ingest_memory_mb
      timeout              = var.ingest_timeout_seconds
      reserved_concurrency = var.ingest_reserved_concurrency
    }
    http = {
      memory_size          = var.api_memory_mb
      timeout              = var.api_timeout_seconds
      reserved_concurrency = null
    }
    # The fan-out's workers ingest as the ingest does, with their own reservation (sfn.tf).
    state-machine = {
      memory_size          = var.ingest_memory_mb
      timeout              = var.ingest_timeout_seconds
      reserved_concurrency = var.fan_out_reserved_concurrency
    }
  }
}

resource "aws_cloudwatch_log_group" "function" {
  for_each = local.wiring.functions

  name              = "/aws/lambda/${var.name_prefix}-${each.key}"
  retention_in_days = var.log_retention_days
}

resource "aws_lambda_function" "function" {
  for_each = local.wiring.functions

  function_name = "${var.name_prefix}-${each.key}"
  description   = "Movies ${each.key} (${each.value.trigger}-triggered)."
  role          = aws_iam_role.function[each.key].arn

  filename         = "${local.lambda_dist_dir}/${each.value.zip}"
  source_code_hash = filebase64sha256("${local.lambda_dist_dir}/${each.value.zip}")
  handler          = "index.handler"
  runtime          = "nodejs24.x"
  architectures    = ["arm64"]

  memory_size                    = local.limits[each.value.trigger].memory_size
  timeout                        = local.limits[each.value.trigger].timeout
  reserved_concurrent_executions = local.limits[each.value.trigger].reserved_concurrency

  environment {
    variables = {
      MOVIES_TABLE  = aws_dynamodb_table.movies.name
      MOVIES_BUCKET = aws_s3_bucket.movie_infos.bucket
      NODE_OPTIONS  = local.node_options
      # The functions add Access-Control-Allow-Origin for these origins (the gateway cannot
      # add headers to a proxy integration's response).
      MOVIES_CORS_ORIGINS = join(",", var.cors_allowed_origins)
      # The ingest hands an object larger than the threshold to the state machine (sfn.tf); the
      # other functions read no object.
      MOVIES_FAN_OUT_STATE_MACHINE_ARN = local.fan_out_state_machine_arn
      MOVIES_FAN_OUT_THRESHOLD_BYTES   = var.fan_out_threshold_bytes
      MOVIES_FAN_OUT_MAX_CONCURRENCY   = var.fan_out_max_concurrency
    }
  }

  tracing_config {
    mode = "Active"
  }

  logging_config {
    log_format            = "JSON"
    log_group             = aws_cloudwatch_log_group.function[each.key].name
    application_log_level = var.log_level
    system_log_level      = "WARN"
  }

  depends_on = [aws_iam_role_policy.function]
}

# An event an asynchronously invoked function could not process (after Lambda's retries, or too
# old) is kept here with its payload instead of being dropped; re-upload the object to ingest it.
resource "aws_sqs_queue" "failures" {
  for_each = local.wiring.async_functions

  name                      = "${var.name_prefix}-${each.key}-failures"
  message_retention_seconds = 1209600
  sqs_managed_sse_enabled   = true
}

resource "aws_lambda_function_event_invoke_config" "async" {
  for_each = local.wiring.async_functions

  function_name                = aws_lambda_function.function[each.key].function_name
  maximum_retry_attempts       = each.value.maximum_retry_attempts
  maximum_event_age_in_seconds = 21600

  destination_config {
    on_failure {
      destination = aws_sqs_queue.failures[each.key].arn
    }
  }

  # Lambda checks that the role may send to the destination when the config is saved.
  depends_on = [aws_iam_role_policy.failure_destination]
}
