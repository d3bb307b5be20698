output "api_url" {
  description = "Base URL of the API stage; the routes are <api_url>/movies/{movie_id}."
  value       = aws_api_gateway_stage.live.invoke_url
}

output "movie_url_template" {
  description = "URL of one movie: replace {movie_id}."
  value       = "${aws_api_gateway_stage.live.invoke_url}/movies/{movie_id}"
}

output "bucket_name" {
  description = "Bucket to upload movie-infos CSV files to (any key ending in .csv); ingest reports appear under reports/."
  value       = aws_s3_bucket.movie_infos.bucket
}

output "table_name" {
  description = "DynamoDB table holding the movies."
  value       = aws_dynamodb_table.movies.name
}

output "region" {
  description = "Region the stack is deployed in (for SigV4 signing and the AWS CLI)."
  value       = var.region
}

output "function_names" {
  description = "Lambda function names, keyed by their wiring.ts name."
  value       = { for name, fn in aws_lambda_function.function : name => fn.function_name }
}

output "failure_queue_urls" {
  description = "SQS queues that keep the events each asynchronously invoked function could not process, keyed by wiring.ts name."
  value       = { for name, queue in aws_sqs_queue.failures : name => queue.url }
}

output "ingest_failure_queue_url" {
  description = "SQS queue that keeps S3 events the ingest function could not process (failure_queue_urls[\"ingest-movie-infos\"])."
  value       = aws_sqs_queue.failures["ingest-movie-infos"].url
}
