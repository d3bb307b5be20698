# Provider, account lookups and the names derived from the variables.
# The resources live in one file per concern: table.tf, bucket.tf, functions.tf, api.tf, iam.tf.

provider "aws" {
  region = var.region

  default_tags {
    tags = merge({ Project = "movies", ManagedBy = "terraform" }, var.tags)
  }
}

data "aws_caller_identity" "current" {}

data "aws_partition" "current" {}

locals {
  account_id = data.aws_caller_identity.current.account_id
  partition  = data.aws_partition.current.partition

  # Bucket names are global: the default carries the account and the region.
  table_name  = coalesce(var.table_name, "${var.name_prefix}-movies")
  bucket_name = coalesce(var.bucket_name, "${var.name_prefix}-movie-infos-${local.account_id}-${var.region}")

  # IAM role names are account-wide: the region keeps two deployments of one account apart.
  role_suffix = var.region

  # path.module, so that the default also holds when this module is a child of another.
  lambda_dist_dir = coalesce(var.lambda_dist_dir, "${path.module}/../adapters-lambda/dist")

  # Stage logs need the region's API Gateway CloudWatch role (api.tf).
  api_logging = var.manage_api_gateway_account || var.api_stage_logging

  alarm_actions = var.alarm_sns_topic_arn == null ? [] : [var.alarm_sns_topic_arn]
}
