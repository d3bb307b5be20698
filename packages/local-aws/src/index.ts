// Local stand-ins for the AWS services the functions use: DynamoDB Local, a versioned S3
// server, and the events and context Lambda hands a handler.
export { apiGatewayProxyEvent } from "./api-gateway-event.ts";
export * from "./dynamodb-local.ts";
export { lambdaContext } from "./lambda-context.ts";
export * from "./local-settings.ts";
export * from "./s3-local.ts";
