/** CORS: the allowed origins' variable, the preflight API Gateway answers, and who adds the headers. */
import { readFileSync } from "node:fs";
import path from "node:path";
import { ORIGIN_PATTERN } from "../../../adapters-lambda/src/http/cors.ts";
import { ENV } from "../../../adapters-lambda/src/wiring.ts";
import { httpPaths } from "../../scripts/write-functions.ts";
import { attr, isObject, resolved, resources, single, str, variable } from "../load-module.ts";
import { type Check, functionResource, httpFunctions } from "./module.ts";

export const CORS_VARIABLE = "cors_allowed_origins";
export const PREFLIGHT_TEMPLATE = "cors-preflight.vtl";
const ORIGINS = `var.${CORS_VARIABLE}`;

/** The VTL lines that grant the CORS headers, in the #if that only an allowed origin enters. */
const GRANTS = [
  '#if("$!origin" != "" && $allowed.contains($origin))',
  "#set($context.responseOverride.header.Access-Control-Allow-Origin = $origin)",
  `#set($context.responseOverride.header.Access-Control-Allow-Methods = "\${methods}")`,
  `#set($context.responseOverride.header.Access-Control-Allow-Headers = "\${allow_headers}")`,
  `#set($context.responseOverride.header.Access-Control-Max-Age = "\${max_age}")`,
  "#end",
];

/**
 * No origin is allowed by default and every allowed one is validated as an origin; every path of
 * a route answers OPTIONS itself (MOCK), granting the CORS headers to an allowed origin only; the
 * functions get the origins; API Gateway's own errors carry them when any is allowed.
 */
export const checkCors: Check = (mod, functions) => {
  const violations: string[] = [];
  const origins = variable(mod, CORS_VARIABLE);
  if (
    !origins ||
    JSON.stringify(resolved(mod, `\${${ORIGINS}}`)) !== "[]" ||
    attr(origins, "type") !== `\${list(string)}`
  ) {
    violations.push(`variable ${CORS_VARIABLE} must be a list(string) that is [] by default`);
  }
  if (
    !JSON.stringify(attr(origins, "validation") ?? "").includes(`regex(\\"${ORIGIN_PATTERN}\\"`)
  ) {
    violations.push(`variable ${CORS_VARIABLE} must be validated with ORIGIN_PATTERN (cors.ts)`);
  }

  const methods = resources(mod, "aws_api_gateway_method");
  const preflights = methods.filter((m) => attr(m.block, "http_method") === "OPTIONS");
  const template = readTemplate(mod.dir);
  for (const [routePath, { methods: allowed }] of Object.entries(httpPaths(functions))) {
    const routeResource = methods.find((m) =>
      httpFunctions(functions).some(
        (fn) => fn.trigger.path === routePath && m.address.endsWith(`[${JSON.stringify(fn.name)}]`),
      ),
    )?.block["resource_id"];
    const here = preflights.filter((m) => m.block["resource_id"] === routeResource);
    const method = here[0];
    if (here.length !== 1 || !method) {
      violations.push(
        `OPTIONS ${routePath}: expected one aws_api_gateway_method, found ${here.length}`,
      );
      continue;
    }
    if (str(method.block, "authorization") !== "NONE") {
      violations.push(
        `OPTIONS ${routePath}: a preflight carries no credentials: authorization NONE`,
      );
    }
    const onMethod = (type: string) =>
      resources(mod, type).filter(
        (r) => attr(r.block, "http_method") === `\${${method.address}.http_method}`,
      );
    const integration = onMethod("aws_api_gateway_integration")[0];
    const requestTemplates = attr(integration?.block, "request_templates");
    if (
      str(integration?.block, "type") !== "MOCK" ||
      !isObject(requestTemplates) ||
      requestTemplates["application/json"] !== '{"statusCode": 204}'
    ) {
      violations.push(`OPTIONS ${routePath}: API Gateway must answer it (MOCK integration, 204)`);
    }
    if (str(onMethod("aws_api_gateway_method_response")[0]?.block, "status_code") !== "204") {
      violations.push(`OPTIONS ${routePath}: no 204 method response`);
    }
    const response = onMethod("aws_api_gateway_integration_response")[0];
    const parameters = attr(response?.block, "response_parameters");
    const templates = attr(response?.block, "response_templates");
    const rendered = isObject(templates) ? String(templates["application/json"]) : "";
    if (!isObject(parameters) || parameters["method.response.header.Vary"] !== "'Origin'") {
      violations.push(`OPTIONS ${routePath}: the preflight must vary by Origin`);
    }
    if (
      !rendered.startsWith(`\${templatefile("\${path.module}/${PREFLIGHT_TEMPLATE}"`) ||
      !rendered.includes(`origins       = ${ORIGINS}`) ||
      !rendered.includes(`methods       = "${allowed}"`) ||
      !rendered.includes("allow_headers = local.wiring.cors.allow_headers") ||
      !rendered.includes("max_age       = local.wiring.cors.max_age")
    ) {
      violations.push(
        `OPTIONS ${routePath}: the preflight template must grant ${allowed} to ${ORIGINS} only`,
      );
    }
  }
  if (!GRANTS.every((line) => template.includes(line)) || !template.includes(GRANTS.join("\n"))) {
    violations.push(
      `${PREFLIGHT_TEMPLATE}: the CORS headers must be set only inside the allowed-origin #if`,
    );
  }
  if (!template.includes(`#set($allowed = \${jsonencode(origins)})`)) {
    violations.push(`${PREFLIGHT_TEMPLATE}: the allowed origins must be ${ORIGINS}, as a list`);
  }
  if (preflights.length !== Object.keys(httpPaths(functions)).length) {
    violations.push(`expected one OPTIONS method per route path, found ${preflights.length}`);
  }

  for (const fn of httpFunctions(functions)) {
    const lambda = functionResource(mod, fn);
    const env = attr(single(lambda?.block, "environment"), "variables");
    if (!isObject(env) || env[ENV.corsOrigins] !== `\${join(",", ${ORIGINS})}`) {
      violations.push(
        `${fn.name}: environment ${ENV.corsOrigins} must be join(",", ${ORIGINS}) (the functions add the headers)`,
      );
    }
  }

  const errorHeaders = gatewayResponseCorsHeaders(mod);
  for (const response of resources(mod, "aws_api_gateway_gateway_response")) {
    if (!String(attr(response.block, "response_parameters")).includes(errorHeaders.reference)) {
      violations.push(
        `${response.address}: response_parameters must merge ${errorHeaders.reference}`,
      );
    }
  }
  if (
    !errorHeaders.text.startsWith("${local.cors_enabled ? {") ||
    !errorHeaders.text.endsWith("} : {}}") ||
    !errorHeaders.text.includes(
      `"gatewayresponse.header.Access-Control-Allow-Origin" = length(${ORIGINS}) == 1 ? "'\${${ORIGINS}[0]}'" : "method.request.header.Origin"`,
    ) ||
    !errorHeaders.text.includes(`"gatewayresponse.header.Vary"`)
  ) {
    violations.push(
      `${errorHeaders.reference}: API Gateway's own errors must carry Access-Control-Allow-Origin and Vary when an origin is allowed, and nothing otherwise`,
    );
  }
  return violations;
};

function readTemplate(dir: string): string {
  try {
    return readFileSync(path.join(dir, PREFLIGHT_TEMPLATE), "utf8");
  } catch {
    return "";
  }
}

function gatewayResponseCorsHeaders(mod: Parameters<Check>[0]) {
  const name = "cors_gateway_response_headers";
  const blocks = attr(mod.json, "locals");
  const block = (Array.isArray(blocks) ? blocks : []).find((b) => isObject(b) && name in b);
  return { reference: `local.${name}`, text: String(isObject(block) ? block[name] : "") };
}
