# What needs a person, each alarm notifying var.alarm_sns_topic_arn (if set) when it fires and
# when it recovers: an S3 event in the ingest's failure queue, an ingest that ended `failed`, API
# 5xx, throttled API requests, throttled API functions.

resource "aws_cloudwatch_metric_alarm" "failure_queue" {
  for_each = local.wiring.async_functions

  alarm_name          = "${var.name_prefix}-${each.key}-failures"
  alarm_description   = "An S3 event could not be processed: see the failure queue and the ${each.key} function's logs."
  namespace           = "AWS/SQS"
  metric_name         = "ApproximateNumberOfMessagesVisible"
  dimensions          = { QueueName = aws_sqs_queue.failures[each.key].name }
  statistic           = "Maximum"
  period              = 300
  evaluation_periods  = 1
  comparison_operator = "GreaterThanThreshold"
  threshold           = 0
  treat_missing_data  = "notBreaching"
  alarm_actions       = local.alarm_actions
  ok_actions          = local.alarm_actions
}

# The ingest publishes IngestsFailed = 1 (namespace Movies, dimension service=movies) for each run
# that ends `failed`; Lambda retries it, and the report under reports/ says why.
resource "aws_cloudwatch_metric_alarm" "ingests_failed" {
  alarm_name          = "${var.name_prefix}-ingests-failed"
  alarm_description   = "An ingest run ended failed (its report under reports/ gives the error); Lambda retries it."
  namespace           = "Movies"
  metric_name         = "IngestsFailed"
  dimensions          = { service = "movies" }
  statistic           = "Sum"
  period              = 300
  evaluation_periods  = 1
  comparison_operator = "GreaterThanThreshold"
  threshold           = 0
  treat_missing_data  = "notBreaching"
  alarm_actions       = local.alarm_actions
  ok_actions          = local.alarm_actions
}

resource "aws_cloudwatch_metric_alarm" "api_5xx" {
  alarm_name          = "${var.name_prefix}-api-5xx"
  alarm_description   = "The API answered 5xx: the functions' logs and the stage's access log give the request ids."
  namespace           = "AWS/ApiGateway"
  metric_name         = "5XXError"
  dimensions          = { ApiName = aws_api_gateway_rest_api.movies.name, Stage = aws_api_gateway_stage.live.stage_name }
  statistic           = "Sum"
  period              = 300
  evaluation_periods  = 1
  comparison_operator = "GreaterThanThreshold"
  threshold           = 0
  treat_missing_data  = "notBreaching"
  alarm_actions       = local.alarm_actions
  ok_actions          = local.alarm_actions
}

# API Gateway counts throttled requests only within 4XXError; the access log has each status, so a
# metric filter counts the 429s (they are logged when the stage's logs are on: local.api_logging).
resource "aws_cloudwatch_log_metric_filter" "api_throttled" {
  name           = "${var.name_prefix}-api-throttled"
  log_group_name = aws_cloudwatch_log_group.api_access.name
  pattern        = "{ $.status = \"429\" }"

  metric_transformation {
    name          = "ApiThrottled"
    namespace     = "Movies"
    value         = "1"
    default_value = "0"
    unit          = "Count"
  }
}

resource "aws_cloudwatch_metric_alarm" "api_throttled" {
  alarm_name          = "${var.name_prefix}-api-throttled"
  alarm_description   = "The API answered 429: requests exceed the stage's throttling (api_throttling_rate_limit, api_throttling_burst_limit)."
  namespace           = aws_cloudwatch_log_metric_filter.api_throttled.metric_transformation[0].namespace
  metric_name         = aws_cloudwatch_log_metric_filter.api_throttled.metric_transformation[0].name
  statistic           = "Sum"
  period              = 300
  evaluation_periods  = 1
  comparison_operator = "GreaterThanThreshold"
  threshold           = 0
  treat_missing_data  = "notBreaching"
  alarm_actions       = local.alarm_actions
  ok_actions          = local.alarm_actions
}

# The HTTP functions, whose throttles a caller feels. S3-triggered ones are left out: with a
# reserved concurrency of 1, a second upload is throttled by design and Lambda retries it.
resource "aws_cloudwatch_metric_alarm" "function_throttles" {
  for_each = local.wiring.http_routes

  alarm_name          = "${aws_lambda_function.function[each.key].function_name}-throttles"
  alarm_description   = "Lambda throttled ${each.key}: the account's concurrency is exhausted; callers get 5xx or 429."
  namespace           = "AWS/Lambda"
  metric_name         = "Throttles"
  dimensions          = { FunctionName = aws_lambda_function.function[each.key].function_name }
  statistic           = "Sum"
  period              = 300
  evaluation_periods  = 1
  comparison_operator = "GreaterThanThreshold"
  threshold           = 0
  treat_missing_data  = "notBreaching"
  alarm_actions       = local.alarm_actions
  ok_actions          = local.alarm_actions
}
