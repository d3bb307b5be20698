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
}
