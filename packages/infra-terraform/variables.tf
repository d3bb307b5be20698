variable "name_prefix" {
  description = "Prefix of every resource name (functions, roles, log groups, API, queue). Lowercase letters, digits and hyphens."
  type        = string
  default     = "movies"

  validation {
    condition     = can(regex("^[a-z][a-z0-9-]{0,18}[a-z0-9]$", var.name_prefix))
    error_message = "name_prefix must be 2 to 20 characters of a-z, 0-9 and '-', start with a letter and not end with '-'."
  }
}

variable "region" {
  description = "AWS region to deploy to, e.g. eu-west-1."
  type        = string
  default     = "eu-west-1"

  validation {
    condition     = can(regex("^[a-z]{2}(-[a-z]+)+-[0-9]+$", var.region))
    error_message = "region must be an AWS region name such as eu-west-1 or us-gov-west-1."
  }
}

variable "table_name" {
  description = "Name of the DynamoDB table. Null derives \"<name_prefix>-movies\"."
  type        = string
  default     = null

  validation {
    condition     = var.table_name == null ? true : can(regex("^[A-Za-z0-9_.-]{3,255}$", var.table_name))
    error_message = "table_name must be 3 to 255 characters of A-Z, a-z, 0-9, '_', '-' and '.'."
  }
}

variable "bucket_name" {
  description = "Name of the S3 bucket that receives the movie-infos CSV files and the ingest reports. Null derives \"<name_prefix>-movie-infos-<account id>-<region>\"."
  type        = string
  default     = null

  validation {
    condition     = var.bucket_name == null ? true : can(regex("^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$", var.bucket_name))
    error_message = "bucket_name must be a valid S3 bucket name: 3 to 63 characters of a-z, 0-9, '.' and '-', starting and ending with a letter or digit."
  }
}

variable "patch_authorization" {
  description = "Authorization of the routes wiring.ts marks AWS_IAM (PATCH and DELETE /movies/{movie_id}): AWS_IAM (callers sign with SigV4 and need execute-api:Invoke) or NONE (open, for demos only)."
  type        = string
  default     = "AWS_IAM"

  validation {
    condition     = contains(["AWS_IAM", "NONE"], var.patch_authorization)
    error_message = "patch_authorization must be AWS_IAM or NONE."
  }
}

variable "table_deletion_protection" {
  description = "Deletion protection of the DynamoDB table. Set to false and apply before a terraform destroy."
  type        = bool
  default     = true
}

variable "log_retention_days" {
  description = "Retention in days of every CloudWatch log group of the stack (functions, API access and execution logs)."
  type        = number
  default     = 30

  validation {
    condition     = contains([1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653], var.log_retention_days)
    error_message = "log_retention_days must be a retention CloudWatch Logs accepts (1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288 or 3653)."
  }
}

variable "log_level" {
  description = "Application log level Lambda lets through to CloudWatch (JSON log format)."
  type        = string
  default     = "INFO"

  validation {
    condition     = contains(["TRACE", "DEBUG", "INFO", "WARN", "ERROR", "FATAL"], var.log_level)
    error_message = "log_level must be one of TRACE, DEBUG, INFO, WARN, ERROR, FATAL."
  }
}

variable "lambda_dist_dir" {
  description = "Directory holding the function zips built by `pnpm --filter @movies/adapters-lambda build`. Null: the adapters package's dist/ next to this module (works as a child module too). Otherwise absolute, or relative to the directory terraform runs in."
  type        = string
  default     = null

  validation {
    condition     = var.lambda_dist_dir == null ? true : length(trimspace(var.lambda_dist_dir)) > 0 && !endswith(var.lambda_dist_dir, "/")
    error_message = "lambda_dist_dir must be null or a non-empty path without a trailing '/'."
  }
}

variable "ingest_reserved_concurrency" {
  description = "Reserved concurrency of each S3-triggered function (the ingest): 1 processes snapshots one at a time. Null reserves none, for accounts still at the new-account quota of 10 concurrent executions (Lambda keeps 10 unreserved, so any reservation fails there)."
  type        = number
  default     = 1

  validation {
    condition     = var.ingest_reserved_concurrency == null ? true : var.ingest_reserved_concurrency >= 1 && floor(var.ingest_reserved_concurrency) == var.ingest_reserved_concurrency
    error_message = "ingest_reserved_concurrency must be null or a whole number of at least 1."
  }
}

variable "ingest_memory_mb" {
  description = "Memory of each S3-triggered function (the ingest) in MB (1769 MB is one full vCPU)."
  type        = number
  default     = 1769

  validation {
    condition     = var.ingest_memory_mb >= 128 && var.ingest_memory_mb <= 10240 && floor(var.ingest_memory_mb) == var.ingest_memory_mb
    error_message = "ingest_memory_mb must be a whole number from 128 to 10240."
  }
}

variable "ingest_timeout_seconds" {
  description = "Timeout of each S3-triggered function (the ingest) in seconds (Lambda's maximum is 900)."
  type        = number
  default     = 900

  validation {
    condition     = var.ingest_timeout_seconds >= 30 && var.ingest_timeout_seconds <= 900 && floor(var.ingest_timeout_seconds) == var.ingest_timeout_seconds
    error_message = "ingest_timeout_seconds must be a whole number from 30 to 900."
  }
}

variable "api_memory_mb" {
  description = "Memory of each HTTP-triggered function (GET, PATCH) in MB."
  type        = number
  default     = 512

  validation {
    condition     = var.api_memory_mb >= 128 && var.api_memory_mb <= 10240 && floor(var.api_memory_mb) == var.api_memory_mb
    error_message = "api_memory_mb must be a whole number from 128 to 10240."
  }
}

variable "api_timeout_seconds" {
  description = "Timeout of each HTTP-triggered function (GET, PATCH) in seconds; below API Gateway's 29 s integration timeout."
  type        = number
  default     = 10

  validation {
    condition     = var.api_timeout_seconds >= 1 && var.api_timeout_seconds <= 28 && floor(var.api_timeout_seconds) == var.api_timeout_seconds
    error_message = "api_timeout_seconds must be a whole number from 1 to 28."
  }
}

variable "api_stage_name" {
  description = "Name of the API Gateway stage; it is the first path segment of the API URL."
  type        = string
  default     = "v1"

  validation {
    condition     = can(regex("^[A-Za-z0-9_-]{1,128}$", var.api_stage_name))
    error_message = "api_stage_name must be 1 to 128 characters of A-Z, a-z, 0-9, '_' and '-'."
  }
}

variable "api_throttling_rate_limit" {
  description = "Steady-state requests per second the API stage accepts for each method."
  type        = number
  default     = 50

  validation {
    condition     = var.api_throttling_rate_limit > 0
    error_message = "api_throttling_rate_limit must be greater than 0."
  }
}

variable "api_throttling_burst_limit" {
  description = "Burst of requests the API stage accepts for each method."
  type        = number
  default     = 100

  validation {
    condition     = var.api_throttling_burst_limit >= 1 && floor(var.api_throttling_burst_limit) == var.api_throttling_burst_limit
    error_message = "api_throttling_burst_limit must be a whole number of at least 1."
  }
}

variable "manage_api_gateway_account" {
  description = "Set the region's API Gateway account CloudWatch role, which stage logging needs once per account and region, and turn the stage's logs on. Off by default: the setting is region-wide (it replaces the role every other API in the region logs through) and destroying it resets it."
  type        = bool
  default     = false
}

variable "api_stage_logging" {
  description = "Turn the stage's access and execution logs on in a region whose API Gateway account setting already has a CloudWatch role (`aws apigateway get-account` shows a cloudwatchRoleArn). Not needed with manage_api_gateway_account = true."
  type        = bool
  default     = false
}

variable "alarm_sns_topic_arn" {
  description = "SNS topic every alarm of the stack notifies when it fires and when it recovers. Null: the alarms only change state (visible in the CloudWatch console)."
  type        = string
  default     = null

  validation {
    condition     = var.alarm_sns_topic_arn == null ? true : can(regex("^arn:aws[a-z-]*:sns:[a-z0-9-]+:[0-9]{12}:[A-Za-z0-9_.-]{1,256}$", var.alarm_sns_topic_arn))
    error_message = "alarm_sns_topic_arn must be null or an SNS topic ARN (arn:aws:sns:<region>:<account>:<name>)."
  }
}

variable "noncurrent_version_expiration_days" {
  description = "Days a replaced or deleted object version (CSV snapshot or report) is kept before S3 expires it."
  type        = number
  default     = 30

  validation {
    condition     = var.noncurrent_version_expiration_days >= 1 && floor(var.noncurrent_version_expiration_days) == var.noncurrent_version_expiration_days
    error_message = "noncurrent_version_expiration_days must be a whole number of at least 1."
  }
}

variable "tags" {
  description = "Tags added to every resource (merged over Project and ManagedBy)."
  type        = map(string)
  default     = {}
}

variable "cors_allowed_origins" {
  description = "Origins whose browser pages may call the API, as a browser sends them: scheme, lower-case host, and a port only when it is not the scheme's default (e.g. [\"https://app.example.com\", \"http://localhost:5173\"]). [] (the default): no cross-origin browser access."
  type        = list(string)
  default     = []

  validation {
    condition     = alltrue([for origin in var.cors_allowed_origins : can(regex("^https?://[a-z0-9]([a-z0-9.-]*[a-z0-9])?(:[0-9]{1,5})?$", origin))])
    error_message = "cors_allowed_origins takes origins such as https://app.example.com or http://localhost:5173: http or https, a lower-case host, an optional port, no path and no trailing slash (no \"*\")."
  }
}

variable "fan_out_threshold_bytes" {
  description = "Catalogue objects larger than this many bytes are ingested by the fan-out state machine in parallel chunks; smaller ones by the ingest function alone. The default (64 MiB, about a million rows) keeps one invocation well within its 900 s (docs/performance.md)."
  type        = number
  default     = 67108864

  validation {
    condition     = var.fan_out_threshold_bytes >= 1048576 && floor(var.fan_out_threshold_bytes) == var.fan_out_threshold_bytes
    error_message = "fan_out_threshold_bytes must be a whole number of at least 1048576 (1 MiB)."
  }
}

variable "fan_out_max_concurrency" {
  description = "Chunks a fan-out ingests at once (the Distributed Map's MaxConcurrency). Choose the table's warm write capacity divided by 5,000 rows/s (one worker's rate): 8 for the default 40,000 writes/s once warm; more only throttles."
  type        = number
  default     = 8

  validation {
    condition     = var.fan_out_max_concurrency >= 1 && var.fan_out_max_concurrency <= 10000 && floor(var.fan_out_max_concurrency) == var.fan_out_max_concurrency
    error_message = "fan_out_max_concurrency must be a whole number from 1 to 10000."
  }
}

variable "fan_out_reserved_concurrency" {
  description = "Reserved concurrency of the fan-out function: at least fan_out_max_concurrency plus 1 (the plan or finish of another object), so the workers always get it and never take the API's. Null reserves none (accounts still at the new-account quota of 10)."
  type        = number
  default     = 10

  validation {
    condition     = var.fan_out_reserved_concurrency == null ? true : var.fan_out_reserved_concurrency >= 1 && floor(var.fan_out_reserved_concurrency) == var.fan_out_reserved_concurrency
    error_message = "fan_out_reserved_concurrency must be null or a whole number of at least 1."
  }
}

variable "fan_out_working_state_days" {
  description = "Days a fan-out's working state (its plan and chunk results under fan-out/) is kept; the report under reports/ stays."
  type        = number
  default     = 3

  validation {
    condition     = var.fan_out_working_state_days >= 1 && floor(var.fan_out_working_state_days) == var.fan_out_working_state_days
    error_message = "fan_out_working_state_days must be a whole number of at least 1."
  }
}
