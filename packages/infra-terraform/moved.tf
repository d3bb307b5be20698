# Where the resources of a deployment made before the functions were iterated from functions.json
# now live: `terraform plan` moves them in the state instead of replacing them.

moved {
  from = aws_cloudwatch_log_group.ingest_movie_infos
  to   = aws_cloudwatch_log_group.function["ingest-movie-infos"]
}

moved {
  from = aws_cloudwatch_log_group.update_movie_rating
  to   = aws_cloudwatch_log_group.function["update-movie-rating"]
}

moved {
  from = aws_cloudwatch_log_group.get_movie
  to   = aws_cloudwatch_log_group.function["get-movie"]
}

moved {
  from = aws_lambda_function.ingest_movie_infos
  to   = aws_lambda_function.function["ingest-movie-infos"]
}

moved {
  from = aws_lambda_function.update_movie_rating
  to   = aws_lambda_function.function["update-movie-rating"]
}

moved {
  from = aws_lambda_function.get_movie
  to   = aws_lambda_function.function["get-movie"]
}

moved {
  from = aws_iam_role.ingest_movie_infos
  to   = aws_iam_role.function["ingest-movie-infos"]
}

moved {
  from = aws_iam_role.update_movie_rating
  to   = aws_iam_role.function["update-movie-rating"]
}

moved {
  from = aws_iam_role.get_movie
  to   = aws_iam_role.function["get-movie"]
}

moved {
  from = aws_iam_role_policy.ingest_movie_infos
  to   = aws_iam_role_policy.function["ingest-movie-infos"]
}

moved {
  from = aws_iam_role_policy.update_movie_rating
  to   = aws_iam_role_policy.function["update-movie-rating"]
}

moved {
  from = aws_iam_role_policy.get_movie
  to   = aws_iam_role_policy.function["get-movie"]
}

moved {
  from = aws_sqs_queue.ingest_failures
  to   = aws_sqs_queue.failures["ingest-movie-infos"]
}

moved {
  from = aws_lambda_function_event_invoke_config.ingest_movie_infos
  to   = aws_lambda_function_event_invoke_config.async["ingest-movie-infos"]
}

moved {
  from = aws_api_gateway_method.update_movie_rating
  to   = aws_api_gateway_method.route["update-movie-rating"]
}

moved {
  from = aws_api_gateway_method.get_movie
  to   = aws_api_gateway_method.route["get-movie"]
}

moved {
  from = aws_api_gateway_integration.update_movie_rating
  to   = aws_api_gateway_integration.route["update-movie-rating"]
}

moved {
  from = aws_api_gateway_integration.get_movie
  to   = aws_api_gateway_integration.route["get-movie"]
}

moved {
  from = aws_lambda_permission.api_invoke_update_movie_rating
  to   = aws_lambda_permission.api_invoke["update-movie-rating"]
}

moved {
  from = aws_lambda_permission.api_invoke_get_movie
  to   = aws_lambda_permission.api_invoke["get-movie"]
}

moved {
  from = aws_lambda_permission.s3_invoke_ingest_movie_infos
  to   = aws_lambda_permission.s3_invoke["ingest-movie-infos"]
}

moved {
  from = aws_cloudwatch_metric_alarm.ingest_failures
  to   = aws_cloudwatch_metric_alarm.failure_queue["ingest-movie-infos"]
}
