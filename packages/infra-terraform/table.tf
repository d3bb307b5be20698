# The one table: generic pk/sk keys, ElectroDB entities MovieInfo, MovieRating and the
# ingest bookkeeping live in it; no secondary index.

resource "aws_dynamodb_table" "movies" {
  name         = local.table_name
  billing_mode = "PAY_PER_REQUEST"
  hash_key     = "pk"
  range_key    = "sk"

  attribute {
    name = "pk"
    type = "S"
  }

  attribute {
    name = "sk"
    type = "S"
  }

  point_in_time_recovery {
    enabled = true
  }

  # Encrypted with the AWS managed KMS key (alias/aws/dynamodb).
  server_side_encryption {
    enabled = true
  }

  deletion_protection_enabled = var.table_deletion_protection
}
