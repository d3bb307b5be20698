# The fan-out state machine: a catalogue object larger than var.fan_out_threshold_bytes is
# ingested in parallel chunks (docs/fan-out.md). Its definition is the file the local stack runs
# too; the fan-out function (functions.json: fan_out_function) serves each of its tasks.

locals {
  fan_out_state_machine_name = "${var.name_prefix}-ingest-fan-out"
  # Built from its name, not read from the resource: the ingest function's environment and role
  # name it, and the state machine names the functions (a reference would be a cycle).
  fan_out_state_machine_arn = "arn:${local.partition}:states:${var.region}:${local.account_id}:stateMachine:${local.fan_out_state_machine_name}"
  # The Distributed Map's child executions.
  fan_out_executions_arn = "arn:${local.partition}:states:${var.region}:${local.account_id}:execution:${local.fan_out_state_machine_name}/*"
  fan_out_function       = local.wiring.fan_out_function
}

resource "aws_cloudwatch_log_group" "fan_out" {
  name              = "/aws/vendedlogs/states/${local.fan_out_state_machine_name}"
  retention_in_days = var.log_retention_days
}

resource "aws_sfn_state_machine" "fan_out" {
  name     = local.fan_out_state_machine_name
  type     = "STANDARD"
  role_arn = aws_iam_role.fan_out.arn
  definition = templatefile("${path.module}/../adapters-lambda/src/ingest/fan-out/ingest-fan-out.asl.json", {
    fan_out_function_arn = aws_lambda_function.function[local.fan_out_function].arn
  })

  logging_configuration {
    log_destination        = "${aws_cloudwatch_log_group.fan_out.arn}:*"
    include_execution_data = false
    level                  = "ERROR"
  }

  tracing_configuration {
    enabled = true
  }

  depends_on = [aws_iam_role_policy.fan_out]
}

data "aws_iam_policy_document" "states_assume_role" {
  statement {
    sid     = "StatesAssumeRole"
    effect  = "Allow"
    actions = ["sts:AssumeRole"]

    principals {
      type        = "Service"
      identifiers = ["states.amazonaws.com"]
    }

    condition {
      test     = "StringEquals"
      variable = "aws:SourceAccount"
      values   = [local.account_id]
    }
  }
}

resource "aws_iam_role" "fan_out" {
  name               = "${local.fan_out_state_machine_name}-${local.role_suffix}"
  description        = "Role of the fan-out state machine."
  assume_role_policy = data.aws_iam_policy_document.states_assume_role.json
}

data "aws_iam_policy_document" "fan_out" {
  statement {
    sid       = "InvokeFanOutFunction"
    effect    = "Allow"
    actions   = ["lambda:InvokeFunction"]
    resources = [aws_lambda_function.function[local.fan_out_function].arn]
  }

  # The Distributed Map runs each chunk as a child execution of this state machine.
  statement {
    sid       = "StartChildExecutions"
    effect    = "Allow"
    actions   = ["states:StartExecution"]
    resources = [local.fan_out_state_machine_arn]
  }

  statement {
    sid       = "ManageChildExecutions"
    effect    = "Allow"
    actions   = ["states:DescribeExecution", "states:StopExecution"]
    resources = [local.fan_out_executions_arn]
  }

  # Log delivery to CloudWatch Logs: these actions take no resource but "*".
  statement {
    sid    = "LogDelivery"
    effect = "Allow"
    actions = [
      "logs:CreateLogDelivery",
      "logs:GetLogDelivery",
      "logs:UpdateLogDelivery",
      "logs:DeleteLogDelivery",
      "logs:ListLogDeliveries",
      "logs:PutResourcePolicy",
      "logs:DescribeResourcePolicies",
      "logs:DescribeLogGroups",
    ]
    resources = ["*"]
  }

  statement {
    sid    = "XRayTraces"
    effect = "Allow"
    actions = [
      "xray:PutTraceSegments",
      "xray:PutTelemetryRecords",
      "xray:GetSamplingRules",
      "xray:GetSamplingTargets",
    ]
    resources = ["*"]
  }
}

resource "aws_iam_role_policy" "fan_out" {
  name   = "least-privilege"
  role   = aws_iam_role.fan_out.id
  policy = data.aws_iam_policy_document.fan_out.json
}

# A fan-out that failed (a chunk still failing after its retries): its report under reports/
# says failed and why; uploading the object again is safe.
resource "aws_cloudwatch_metric_alarm" "fan_out_failed" {
  alarm_name          = "${local.fan_out_state_machine_name}-failed"
  alarm_description   = "A fan-out ingest failed: its report under reports/ and the state machine's log say why."
  namespace           = "AWS/States"
  metric_name         = "ExecutionsFailed"
  dimensions          = { StateMachineArn = aws_sfn_state_machine.fan_out.arn }
  statistic           = "Sum"
  period              = 300
  evaluation_periods  = 1
  comparison_operator = "GreaterThanThreshold"
  threshold           = 0
  treat_missing_data  = "notBreaching"
  alarm_actions       = local.alarm_actions
  ok_actions          = local.alarm_actions
}
