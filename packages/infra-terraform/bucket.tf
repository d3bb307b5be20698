# The bucket that receives the movie-infos CSV snapshots and the ingest reports
# (under reports/, never a .csv key). Private, encrypted, versioned, TLS only.

resource "aws_s3_bucket" "movie_infos" {
  bucket = local.bucket_name
}

resource "aws_s3_bucket_ownership_controls" "movie_infos" {
  bucket = aws_s3_bucket.movie_infos.id

  rule {
    object_ownership = "BucketOwnerEnforced"
  }
}

resource "aws_s3_bucket_public_access_block" "movie_infos" {
  bucket = aws_s3_bucket.movie_infos.id

  block_public_acls       = true
  block_public_policy     = true
  ignore_public_acls      = true
  restrict_public_buckets = true
}

resource "aws_s3_bucket_server_side_encryption_configuration" "movie_infos" {
  bucket = aws_s3_bucket.movie_infos.id

  # SSE-S3: the functions need no KMS permission to read the snapshots or write the reports.
  rule {
    apply_server_side_encryption_by_default {
      sse_algorithm = "AES256"
    }
  }
}

resource "aws_s3_bucket_versioning" "movie_infos" {
  bucket = aws_s3_bucket.movie_infos.id

  versioning_configuration {
    status = "Enabled"
  }
}

resource "aws_s3_bucket_lifecycle_configuration" "movie_infos" {
  bucket = aws_s3_bucket.movie_infos.id

  rule {
    id     = "expire-noncurrent-versions"
    status = "Enabled"

    filter {}

    noncurrent_version_expiration {
      noncurrent_days = var.noncurrent_version_expiration_days
    }

    abort_incomplete_multipart_upload {
      days_after_initiation = 7
    }
  }

  # A fan-out's plan and chunk results are working state: its report under reports/ stays.
  rule {
    id     = "expire-fan-out-working-state"
    status = "Enabled"

    filter {
      prefix = "fan-out/"
    }

    expiration {
      days = var.fan_out_working_state_days
    }

    noncurrent_version_expiration {
      noncurrent_days = 1
    }
  }

  depends_on = [aws_s3_bucket_versioning.movie_infos]
}

data "aws_iam_policy_document" "movie_infos_bucket" {
  statement {
    sid     = "DenyInsecureTransport"
    effect  = "Deny"
    actions = ["s3:*"]
    resources = [
      aws_s3_bucket.movie_infos.arn,
      "${aws_s3_bucket.movie_infos.arn}/*",
    ]

    principals {
      type        = "*"
      identifiers = ["*"]
    }

    condition {
      test     = "Bool"
      variable = "aws:SecureTransport"
      values   = ["false"]
    }
  }

  statement {
    sid     = "DenyOutdatedTls"
    effect  = "Deny"
    actions = ["s3:*"]
    resources = [
      aws_s3_bucket.movie_infos.arn,
      "${aws_s3_bucket.movie_infos.arn}/*",
    ]

    principals {
      type        = "*"
      identifiers = ["*"]
    }

    condition {
      test     = "NumericLessThan"
      variable = "s3:TlsVersion"
      values   = ["1.2"]
    }
  }
}

resource "aws_s3_bucket_policy" "movie_infos" {
  bucket = aws_s3_bucket.movie_infos.id
  policy = data.aws_iam_policy_document.movie_infos_bucket.json

  depends_on = [aws_s3_bucket_public_access_block.movie_infos]
}

# S3 may invoke its functions for this bucket only, in this account only.
resource "aws_lambda_permission" "s3_invoke" {
  for_each = local.wiring.s3_notifications

  statement_id   = "AllowS3-${each.key}"
  action         = "lambda:InvokeFunction"
  function_name  = aws_lambda_function.function[each.key].function_name
  principal      = "s3.amazonaws.com"
  source_arn     = aws_s3_bucket.movie_infos.arn
  source_account = local.account_id
}

# Every created object notifies the S3-triggered functions, and the ingest picks `.csv` and
# `.csv.gz` keys in any letter case itself: S3's suffix filter is case-sensitive and takes one
# suffix per entry.
resource "aws_s3_bucket_notification" "movie_infos" {
  bucket = aws_s3_bucket.movie_infos.id

  dynamic "lambda_function" {
    for_each = local.wiring.s3_notifications

    content {
      id                  = lambda_function.key
      lambda_function_arn = aws_lambda_function.function[lambda_function.key].arn
      events              = lambda_function.value.events
    }
  }

  depends_on = [aws_lambda_permission.s3_invoke]
}
