# REST API: the routes of the http triggers in wiring.ts (functions.json), each an AWS_PROXY
# integration to its function. GET (and HEAD) is open; PATCH and DELETE require SigV4 (AWS_IAM)
# unless var.patch_authorization opens them.

resource "aws_api_gateway_rest_api" "movies" {
  name        = "${var.name_prefix}-api"
  description = "Movies: list (GET /movies), GET, PATCH and DELETE /movies/{movie_id}."

  endpoint_configuration {
    types = ["REGIONAL"]
  }
}

resource "aws_api_gateway_resource" "movies" {
  rest_api_id = aws_api_gateway_rest_api.movies.id
  parent_id   = aws_api_gateway_rest_api.movies.root_resource_id
  path_part   = "movies"
}

resource "aws_api_gateway_resource" "movie" {
  rest_api_id = aws_api_gateway_rest_api.movies.id
  parent_id   = aws_api_gateway_resource.movies.id
  path_part   = "{movie_id}"
}

# --- The routes: one per HTTP-triggered function of functions.json ------------------------------

locals {
  # The API's resources by path. A route on a new path needs its resource above and its entry here.
  api_resources = {
    "/movies"            = aws_api_gateway_resource.movies.id
    "/movies/{movie_id}" = aws_api_gateway_resource.movie.id
  }

  # A route the wiring marks AWS_IAM takes var.patch_authorization (AWS_IAM unless opened for demos).
  route_authorization = {
    AWS_IAM = var.patch_authorization
    NONE    = "NONE"
  }
}

resource "aws_api_gateway_method" "route" {
  for_each = local.wiring.http_routes

  rest_api_id        = aws_api_gateway_rest_api.movies.id
  resource_id        = local.api_resources[each.value.path]
  http_method        = each.value.method
  authorization      = local.route_authorization[each.value.authorization]
  request_parameters = each.value.request_parameters
}

resource "aws_api_gateway_integration" "route" {
  for_each = local.wiring.http_routes

  rest_api_id             = aws_api_gateway_rest_api.movies.id
  resource_id             = local.api_resources[each.value.path]
  http_method             = aws_api_gateway_method.route[each.key].http_method
  type                    = "AWS_PROXY"
  integration_http_method = "POST"
  uri                     = aws_lambda_function.function[each.key].invoke_arn
}

# API Gateway may invoke each function for its own route only (any stage).
resource "aws_lambda_permission" "api_invoke" {
  for_each = local.wiring.http_routes

  statement_id  = "AllowApiGateway-${each.key}"
  action        = "lambda:InvokeFunction"
  function_name = aws_lambda_function.function[each.key].function_name
  principal     = "apigateway.amazonaws.com"
  source_arn    = "${aws_api_gateway_rest_api.movies.execution_arn}/*/${each.value.method}${each.value.source_path}"
}

# HEAD beside every GET route, to the same function (which answers it without a body).
resource "aws_api_gateway_method" "head" {
  for_each = local.wiring.head_routes

  rest_api_id        = aws_api_gateway_rest_api.movies.id
  resource_id        = local.api_resources[each.value.path]
  http_method        = "HEAD"
  authorization      = local.route_authorization[each.value.authorization]
  request_parameters = each.value.request_parameters
}

resource "aws_api_gateway_integration" "head" {
  for_each = local.wiring.head_routes

  rest_api_id             = aws_api_gateway_rest_api.movies.id
  resource_id             = local.api_resources[each.value.path]
  http_method             = aws_api_gateway_method.head[each.key].http_method
  type                    = "AWS_PROXY"
  integration_http_method = "POST"
  uri                     = aws_lambda_function.function[each.key].invoke_arn
}

resource "aws_lambda_permission" "api_invoke_head" {
  for_each = local.wiring.head_routes

  statement_id  = "AllowApiGatewayHead-${each.key}"
  action        = "lambda:InvokeFunction"
  function_name = aws_lambda_function.function[each.key].function_name
  principal     = "apigateway.amazonaws.com"
  source_arn    = "${aws_api_gateway_rest_api.movies.execution_arn}/*/HEAD${each.value.source_path}"
}

# --- API Gateway's own errors --------------------------------------------------------------------

locals {
  # Response type -> status code and problem+json template (with the request id), written from
  # packages/adapters-lambda/src/http/gateway-responses.ts by scripts/write-gateway-responses.ts;
  # the local gateway answers from the same table.
  gateway_responses = jsondecode(file("${path.module}/gateway-responses.json"))
}

resource "aws_api_gateway_gateway_response" "problem" {
  for_each = local.gateway_responses

  rest_api_id   = aws_api_gateway_rest_api.movies.id
  response_type = each.key
  status_code   = each.value.status_code

  response_parameters = merge(
    { "gatewayresponse.header.Content-Type" = "'application/problem+json'" },
    local.cors_gateway_response_headers,
  )

  response_templates = {
    "application/json" = each.value.template
  }
}

# --- CORS: the preflight and API Gateway's own errors -------------------------------------------
# The functions answer actual requests with their CORS headers (MOVIES_CORS_ORIGINS, functions.tf).
# The preflight (OPTIONS) never reaches them: API Gateway answers it on every path of a route, with
# a MOCK integration whose template grants the CORS headers to an allowed origin only.

locals {
  cors_enabled = length(var.cors_allowed_origins) > 0

  # A gateway response's header is a fixed value or a request header, never a choice between
  # them: one allowed origin is that fixed value (a page of any other origin cannot match it); with
  # several, the caller's Origin is echoed on these generic problems so that an allowed page can
  # read them (their bodies carry nothing but the status and the request id).
  cors_gateway_response_headers = local.cors_enabled ? {
    "gatewayresponse.header.Access-Control-Allow-Origin" = length(var.cors_allowed_origins) == 1 ? "'${var.cors_allowed_origins[0]}'" : "method.request.header.Origin"
    "gatewayresponse.header.Vary"                        = "'Origin'"
  } : {}
}

resource "aws_api_gateway_method" "preflight" {
  for_each = local.wiring.http_paths

  rest_api_id   = aws_api_gateway_rest_api.movies.id
  resource_id   = local.api_resources[each.key]
  http_method   = "OPTIONS"
  authorization = "NONE"
}

resource "aws_api_gateway_integration" "preflight" {
  for_each = local.wiring.http_paths

  rest_api_id = aws_api_gateway_rest_api.movies.id
  resource_id = local.api_resources[each.key]
  http_method = aws_api_gateway_method.preflight[each.key].http_method
  type        = "MOCK"

  request_templates = {
    "application/json" = "{\"statusCode\": 204}"
  }
}

resource "aws_api_gateway_method_response" "preflight" {
  for_each = local.wiring.http_paths

  rest_api_id = aws_api_gateway_rest_api.movies.id
  resource_id = local.api_resources[each.key]
  http_method = aws_api_gateway_method.preflight[each.key].http_method
  status_code = "204"

  response_parameters = {
    "method.response.header.Access-Control-Allow-Origin"  = false
    "method.response.header.Access-Control-Allow-Methods" = false
    "method.response.header.Access-Control-Allow-Headers" = false
    "method.response.header.Access-Control-Max-Age"       = false
    "method.response.header.Vary"                         = false
  }
}

resource "aws_api_gateway_integration_response" "preflight" {
  for_each = local.wiring.http_paths

  rest_api_id = aws_api_gateway_rest_api.movies.id
  resource_id = local.api_resources[each.key]
  http_method = aws_api_gateway_method.preflight[each.key].http_method
  status_code = aws_api_gateway_method_response.preflight[each.key].status_code

  response_parameters = {
    "method.response.header.Vary" = "'Origin'"
  }

  # Browsers send `Origin`, HTTP/2 clients `origin`; an origin not listed gets no CORS header.
  response_templates = {
    "application/json" = templatefile("${path.module}/cors-preflight.vtl", {
      origins       = var.cors_allowed_origins
      methods       = each.value.methods
      allow_headers = local.wiring.cors.allow_headers
      max_age       = local.wiring.cors.max_age
    })
  }

  depends_on = [aws_api_gateway_integration.preflight]
}

# --- Deployment and stage -------------------------------------------------------------------

resource "aws_api_gateway_deployment" "movies" {
  rest_api_id = aws_api_gateway_rest_api.movies.id

  # A new deployment whenever a route, method, integration or gateway response changes (whole
  # resources, so that e.g. a changed authorization or integration URI redeploys too).
  triggers = {
    redeployment = sha1(jsonencode([
      aws_api_gateway_resource.movies,
      aws_api_gateway_resource.movie,
      aws_api_gateway_method.route,
      aws_api_gateway_integration.route,
      aws_api_gateway_method.head,
      aws_api_gateway_integration.head,
      aws_api_gateway_gateway_response.problem,
      aws_api_gateway_method.preflight,
      aws_api_gateway_integration.preflight,
      aws_api_gateway_method_response.preflight,
      aws_api_gateway_integration_response.preflight,
    ]))
  }

  lifecycle {
    create_before_destroy = true
  }
}

resource "aws_cloudwatch_log_group" "api_access" {
  name              = "/aws/apigateway/${var.name_prefix}-api/${var.api_stage_name}/access"
  retention_in_days = var.log_retention_days
}

# API Gateway writes its execution logs (logging_level below) to this group; creating it here
# gives it a retention instead of "never expire".
resource "aws_cloudwatch_log_group" "api_execution" {
  name              = "API-Gateway-Execution-Logs_${aws_api_gateway_rest_api.movies.id}/${var.api_stage_name}"
  retention_in_days = var.log_retention_days
}

# Region-wide: the role API Gateway uses to write the logs of every REST API in this region.
# Only with var.manage_api_gateway_account (off by default, see the README).
resource "aws_api_gateway_account" "this" {
  count = var.manage_api_gateway_account ? 1 : 0

  cloudwatch_role_arn = aws_iam_role.api_gateway_cloudwatch[0].arn

  depends_on = [aws_iam_role_policy.api_gateway_cloudwatch]
}

resource "aws_api_gateway_stage" "live" {
  rest_api_id          = aws_api_gateway_rest_api.movies.id
  deployment_id        = aws_api_gateway_deployment.movies.id
  stage_name           = var.api_stage_name
  xray_tracing_enabled = true

  # Stage logs need the region's API Gateway CloudWatch role (local.api_logging, main.tf).
  dynamic "access_log_settings" {
    for_each = local.api_logging ? [aws_cloudwatch_log_group.api_access.arn] : []

    content {
      destination_arn = access_log_settings.value
      format = jsonencode({
        requestId          = "$context.requestId"
        extendedRequestId  = "$context.extendedRequestId"
        requestTime        = "$context.requestTime"
        sourceIp           = "$context.identity.sourceIp"
        caller             = "$context.identity.caller"
        userArn            = "$context.identity.userArn"
        httpMethod         = "$context.httpMethod"
        resourcePath       = "$context.resourcePath"
        path               = "$context.path"
        protocol           = "$context.protocol"
        status             = "$context.status"
        responseLength     = "$context.responseLength"
        responseLatency    = "$context.responseLatency"
        integrationLatency = "$context.integration.latency"
        integrationStatus  = "$context.integration.status"
        integrationError   = "$context.integration.error"
        errorMessage       = "$context.error.message"
        xrayTraceId        = "$context.xrayTraceId"
      })
    }
  }

  depends_on = [
    aws_api_gateway_account.this,
    aws_cloudwatch_log_group.api_execution,
  ]
}

resource "aws_api_gateway_method_settings" "all" {
  rest_api_id = aws_api_gateway_rest_api.movies.id
  stage_name  = aws_api_gateway_stage.live.stage_name
  method_path = "*/*"

  settings {
    metrics_enabled        = true
    logging_level          = local.api_logging ? "ERROR" : "OFF"
    data_trace_enabled     = false
    throttling_rate_limit  = var.api_throttling_rate_limit
    throttling_burst_limit = var.api_throttling_burst_limit
  }
}
