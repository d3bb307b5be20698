/** The REST API: exactly the wiring's routes, their integrations, deployment and stage. */

import { routeMethods } from "../../../adapters-lambda/src/wiring.ts";
import {
  attr,
  baseAddress,
  isObject,
  type NamedBlock,
  nested,
  reference,
  resolved,
  resources,
  single,
  str,
  variable,
} from "../load-module.ts";
import {
  API_LOGGING,
  byAddress,
  type Check,
  functionResource,
  httpFunctions,
  onlyOne,
  positive,
  routeSourceArn,
} from "./module.ts";

/**
 * The API serves exactly wiring's http routes with their default authorization, each an
 * AWS_PROXY integration to its function, invocable only from this API for that method and path;
 * the deployment is replaced when routes change; the stage logs, traces and throttles.
 */
export const checkApi: Check = (mod, functions) => {
  const violations: string[] = [];
  const api = onlyOne(mod, "aws_api_gateway_rest_api", violations);
  if (!api) {
    return violations;
  }

  const pathOf = (resource: NamedBlock | undefined, depth = 0): string | undefined => {
    if (!resource || depth > 20) {
      return undefined;
    }
    const parent = reference(attr(resource.block, "parent_id"));
    const part = str(resource.block, "path_part");
    if (!part) {
      return undefined;
    }
    if (parent === `${api.address}.root_resource_id`) {
      return `/${part}`;
    }
    const parentPath = pathOf(byAddress(mod, parent?.replace(/\.id$/, "")), depth + 1);
    return parentPath && `${parentPath}/${part}`;
  };

  interface Route {
    readonly method: NamedBlock;
    readonly key: string;
    readonly resourceId: string;
    readonly authorization: unknown;
  }
  // OPTIONS is the CORS preflight API Gateway answers itself (checkCors), not a function's route.
  const methods = resources(mod, "aws_api_gateway_method").filter(
    (method) => attr(method.block, "http_method") !== "OPTIONS",
  );
  const routes: Route[] = methods.map((method) => {
    const resourceId = String(attr(method.block, "resource_id"));
    const resourceRef = reference(resourceId);
    const routePath =
      resourceRef === `${api.address}.root_resource_id`
        ? "/"
        : pathOf(byAddress(mod, resourceRef?.replace(/\.id$/, "")));
    return {
      method,
      key: `${String(attr(method.block, "http_method"))} ${routePath ?? "?"}`,
      resourceId,
      authorization: resolved(mod, attr(method.block, "authorization")),
    };
  });
  // Each method of each route: a GET route's HEAD too, to the same function.
  const expected = httpFunctions(functions).flatMap((fn) =>
    routeMethods(fn.trigger).map((method) => ({ fn, trigger: { ...fn.trigger, method } })),
  );
  const expectedKeys = new Set(expected.map(({ trigger }) => `${trigger.method} ${trigger.path}`));
  for (const route of routes) {
    if (!expectedKeys.has(route.key)) {
      violations.push(`route ${route.key} (${route.method.address}) is not in wiring.ts`);
    }
  }

  for (const { fn, trigger } of expected) {
    const key = `${trigger.method} ${trigger.path}`;
    const matching = routes.filter((r) => r.key === key);
    if (matching.length !== 1) {
      violations.push(
        `route ${key} (${fn.name}): expected one aws_api_gateway_method, found ${matching.length}`,
      );
      continue;
    }
    const route = matching[0] as Route;
    if (route.authorization !== trigger.authorization) {
      violations.push(
        `route ${key}: authorization by default is ${String(route.authorization)}, wiring.ts says ${trigger.authorization}`,
      );
    }
    const lambda = functionResource(mod, fn);
    if (!lambda) {
      violations.push(`route ${key}: no function ${fn.name}`);
      continue;
    }
    const integrations = resources(mod, "aws_api_gateway_integration").filter(
      (i) =>
        attr(i.block, "resource_id") === route.resourceId &&
        (attr(i.block, "http_method") === trigger.method ||
          reference(attr(i.block, "http_method")) === `${route.method.address}.http_method`),
    );
    const integration = integrations[0];
    if (integrations.length !== 1 || !integration) {
      violations.push(`route ${key}: expected one integration, found ${integrations.length}`);
    } else {
      if (str(integration.block, "type") !== "AWS_PROXY") {
        violations.push(`route ${key}: integration type must be AWS_PROXY`);
      }
      if (str(integration.block, "integration_http_method") !== "POST") {
        violations.push(`route ${key}: integration_http_method must be POST (Lambda invoke)`);
      }
      if (reference(attr(integration.block, "uri")) !== `${lambda.address}.invoke_arn`) {
        violations.push(
          `route ${key}: integration uri ${String(attr(integration.block, "uri"))} is not ${lambda.address}.invoke_arn (${fn.name})`,
        );
      }
    }
    const sourceArn = routeSourceArn(api.address, trigger);
    const permissions = resources(mod, "aws_lambda_permission").filter(
      (p) =>
        reference(attr(p.block, "function_name"))?.startsWith(`${lambda.address}.`) &&
        str(p.block, "principal") === "apigateway.amazonaws.com",
    );
    if (
      !permissions.some(
        (p) =>
          str(p.block, "source_arn") === sourceArn &&
          str(p.block, "action") === "lambda:InvokeFunction",
      )
    ) {
      violations.push(
        `route ${key}: no aws_lambda_permission for ${fn.name} with source_arn ${sourceArn}`,
      );
    }
  }
  for (const p of resources(mod, "aws_lambda_permission")) {
    if (str(p.block, "principal") !== "apigateway.amazonaws.com") {
      continue;
    }
    if (!str(p.block, "source_arn")?.startsWith(`\${${api.address}.execution_arn}/`)) {
      violations.push(`${p.address}: source_arn must be scoped to ${api.address}.execution_arn`);
    }
  }

  const deployment = onlyOne(mod, "aws_api_gateway_deployment", violations);
  if (deployment) {
    const triggers = attr(deployment.block, "triggers");
    const text = isObject(triggers) ? JSON.stringify(triggers) : "";
    const watched = [
      ...resources(mod, "aws_api_gateway_resource"),
      ...resources(mod, "aws_api_gateway_method"),
      ...resources(mod, "aws_api_gateway_integration"),
      ...resources(mod, "aws_api_gateway_gateway_response"),
      ...resources(mod, "aws_api_gateway_method_response"),
      ...resources(mod, "aws_api_gateway_integration_response"),
    ];
    // A for_each resource is covered as a whole (its map of instances).
    for (const address of new Set(watched.map((r) => baseAddress(r.address)))) {
      if (!new RegExp(`\\b${address.replace(".", "\\.")}\\b(?!\\[)`).test(text)) {
        violations.push(
          `${deployment.address}: triggers do not cover ${address}, so changing it would not redeploy`,
        );
      }
    }
    if (attr(single(deployment.block, "lifecycle"), "create_before_destroy") !== true) {
      violations.push(`${deployment.address}: lifecycle create_before_destroy must be true`);
    }
  }

  const stage = onlyOne(mod, "aws_api_gateway_stage", violations);
  if (stage) {
    if (
      deployment &&
      reference(attr(stage.block, "deployment_id")) !== `${deployment.address}.id`
    ) {
      violations.push(`${stage.address}: deployment_id must be ${deployment.address}.id`);
    }
    // Stage logs need the region's API Gateway CloudWatch role: on with local.api_logging only.
    const dynamicBlocks = attr(stage.block, "dynamic");
    const access = nested(
      isObject(dynamicBlocks) ? dynamicBlocks : undefined,
      "access_log_settings",
    );
    const group = new RegExp(
      `^\\$\\{${API_LOGGING.replace(".", "\\.")} \\? \\[(aws_cloudwatch_log_group\\.[\\w-]+)\\.arn\\] : \\[\\]\\}$`,
    ).exec(str(access[0], "for_each") ?? "")?.[1];
    const content = single(access[0], "content");
    if (
      !group ||
      !byAddress(mod, group) ||
      str(content, "destination_arn") !== `\${access_log_settings.value}` ||
      !str(content, "format")
    ) {
      violations.push(
        `${stage.address}: access logs must go to a log group of this module when ${API_LOGGING}, with a format`,
      );
    }
    if (attr(stage.block, "xray_tracing_enabled") !== true) {
      violations.push(`${stage.address}: xray_tracing_enabled must be true`);
    }
    const settings = resources(mod, "aws_api_gateway_method_settings").filter(
      (s) => reference(attr(s.block, "stage_name")) === `${stage.address}.stage_name`,
    );
    const all = settings.find((s) => str(s.block, "method_path") === "*/*");
    const values = single(all?.block, "settings");
    if (!values) {
      violations.push(`${stage.address}: no aws_api_gateway_method_settings for "*/*"`);
    } else {
      if (attr(values, "metrics_enabled") !== true) {
        violations.push(`${all?.address}: metrics_enabled must be true`);
      }
      if (attr(values, "logging_level") !== `\${${API_LOGGING} ? "ERROR" : "OFF"}`) {
        violations.push(
          `${all?.address}: logging_level must be ERROR when ${API_LOGGING}, else OFF`,
        );
      }
      for (const limit of ["throttling_rate_limit", "throttling_burst_limit"]) {
        if (!positive(resolved(mod, values[limit]))) {
          violations.push(`${all?.address}: ${limit} must be set above 0`);
        }
      }
    }
  }

  const patch = variable(mod, "patch_authorization");
  const condition = JSON.stringify(attr(patch, "validation") ?? "");
  if (!patch || !condition.includes("AWS_IAM") || !condition.includes("NONE")) {
    violations.push("variable patch_authorization must exist and be validated to AWS_IAM or NONE");
  }
  return violations;
};
