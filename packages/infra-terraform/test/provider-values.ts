/**
 * What the jsii assembly behind provider-schema/aws.json does not carry, kept by hand: the value
 * sets the provider validates at plan time for the arguments that matter here, and the release
 * that first accepted each argument or value the module uses that the major's first release
 * (provider-schema/aws.json's baseline_version) lacks. The module's version constraint must
 * start at or above every "since" (tested).
 */

export interface ValueSet {
  readonly values: readonly string[];
  /** Values that only later releases of the major accept: value -> first release. */
  readonly since?: Readonly<Record<string, string>>;
}

/**
 * Lambda runtimes as hashicorp/aws 6.x validates them (its "expected runtime to be one of [...]"
 * message), plus the three later releases added: nodejs24.x in 6.19.0, java25 and python3.14 in
 * 6.20.0.
 */
const LAMBDA_RUNTIMES = [
  "nodejs",
  "nodejs4.3",
  "nodejs6.10",
  "nodejs8.10",
  "nodejs10.x",
  "nodejs12.x",
  "nodejs14.x",
  "nodejs16.x",
  "java8",
  "java8.al2",
  "java11",
  "python2.7",
  "python3.6",
  "python3.7",
  "python3.8",
  "python3.9",
  "dotnetcore1.0",
  "dotnetcore2.0",
  "dotnetcore2.1",
  "dotnetcore3.1",
  "dotnet6",
  "dotnet8",
  "nodejs4.3-edge",
  "go1.x",
  "ruby2.5",
  "ruby2.7",
  "provided",
  "provided.al2",
  "nodejs18.x",
  "python3.10",
  "java17",
  "ruby3.2",
  "ruby3.3",
  "ruby3.4",
  "python3.11",
  "nodejs20.x",
  "provided.al2023",
  "python3.12",
  "java21",
  "python3.13",
  "nodejs22.x",
  "nodejs24.x",
  "java25",
  "python3.14",
] as const;

/** API Gateway's gateway response types (the GetGatewayResponse API's valid values). */
export const GATEWAY_RESPONSE_TYPES = [
  "DEFAULT_4XX",
  "DEFAULT_5XX",
  "RESOURCE_NOT_FOUND",
  "UNAUTHORIZED",
  "INVALID_API_KEY",
  "ACCESS_DENIED",
  "AUTHORIZER_FAILURE",
  "AUTHORIZER_CONFIGURATION_ERROR",
  "INVALID_SIGNATURE",
  "EXPIRED_TOKEN",
  "MISSING_AUTHENTICATION_TOKEN",
  "INTEGRATION_FAILURE",
  "INTEGRATION_TIMEOUT",
  "API_CONFIGURATION_ERROR",
  "UNSUPPORTED_MEDIA_TYPE",
  "BAD_REQUEST_PARAMETERS",
  "BAD_REQUEST_BODY",
  "REQUEST_TOO_LARGE",
  "THROTTLED",
  "QUOTA_EXCEEDED",
  "WAF_FILTERED",
] as const;

export const VALUE_SETS: Readonly<Record<string, ValueSet>> = {
  "aws_lambda_function.runtime": {
    values: LAMBDA_RUNTIMES,
    since: { "nodejs24.x": "6.19.0", java25: "6.20.0", "python3.14": "6.20.0" },
  },
  "aws_lambda_function.architectures": { values: ["x86_64", "arm64"] },
  "aws_api_gateway_gateway_response.response_type": { values: GATEWAY_RESPONSE_TYPES },
};

/**
 * Arguments and blocks (`type.path`) newer than the major's first release, with the release that
 * added them. Only those the module uses need an entry; the tests name any that lacks one.
 */
export const ARGUMENT_SINCE: Readonly<Record<string, string>> = {};
