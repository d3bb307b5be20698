/**
 * Writes functions.json, which the module iterates (for_each) to deploy the functions, their
 * roles, routes and notifications, from FUNCTIONS in packages/adapters-lambda/src/wiring.ts
 * (test/functions-json.test.ts fails when the two differ). Only what Terraform needs goes in: no
 * handler source paths.
 *
 *   node packages/infra-terraform/scripts/write-functions.ts
 */
import { writeFile } from "node:fs/promises";
import path from "node:path";
import { fileURLToPath } from "node:url";
import {
  CORS_ALLOWED_HEADERS,
  CORS_EXPOSED_HEADERS,
  CORS_MAX_AGE_SECONDS,
} from "../../adapters-lambda/src/http/cors.ts";
import {
  FUNCTIONS,
  type FunctionWiring,
  INGEST_MAX_ATTEMPTS,
  routeMethods,
} from "../../adapters-lambda/src/wiring.ts";

export const FUNCTIONS_JSON = path.resolve(
  path.dirname(fileURLToPath(import.meta.url)),
  "..",
  "functions.json",
);

/** What the module reads of one function; keys are snake_case, as HCL spells them. */
export interface FunctionJson {
  /** The zip's file name under the module's lambda_dist_dir. */
  readonly zip: string;
  /** Picks the function's limits (memory, timeout, reserved concurrency) in functions.tf. */
  readonly trigger: FunctionWiring["trigger"]["kind"];
  /** Zero or one grant on the table: a list, so that a dynamic block can iterate it. */
  readonly table_grants: ReadonlyArray<{ readonly actions: readonly string[] }>;
  readonly bucket_grants: ReadonlyArray<{
    readonly actions: readonly string[];
    readonly prefix: string;
  }>;
  /** Key prefixes the function may list (s3:ListBucket on the bucket, condition s3:prefix). */
  readonly bucket_list_prefixes: readonly string[];
  /** Step Functions actions on the fan-out state machine. */
  readonly state_machine_actions: readonly string[];
}

export interface WiringJson {
  readonly functions: Readonly<Record<string, FunctionJson>>;
  /** HTTP-triggered functions: method, path, default authorization, invoke permission's path. */
  readonly http_routes: Readonly<
    Record<
      string,
      {
        readonly method: string;
        readonly path: string;
        readonly authorization: string;
        /** The path in the invoke permission's source ARN: path parameters as `*`. */
        readonly source_path: string;
        /** The method's path parameters, each required. */
        readonly request_parameters: Readonly<Record<string, true>>;
      }
    >
  >;
  /** The HTTP routes that also answer HEAD (every GET), with the same function. */
  readonly head_routes: WiringJson["http_routes"];
  /** Each path of an HTTP route: the methods its preflight (OPTIONS) allows. */
  readonly http_paths: Readonly<Record<string, { readonly methods: string }>>;
  /** The CORS headers' fixed values (the allowed origins are the module's variable). */
  readonly cors: {
    readonly allow_headers: string;
    readonly expose_headers: string;
    readonly max_age: string;
  };
  /** S3-triggered functions: the bucket's events that notify them. */
  readonly s3_notifications: Readonly<Record<string, { readonly events: readonly string[] }>>;
  /** Asynchronously invoked functions: Lambda's retries, then their failure queue. */
  readonly async_functions: Readonly<Record<string, { readonly maximum_retry_attempts: number }>>;
  /** The function the fan-out state machine invokes for each of its tasks. */
  readonly fan_out_function: string;
}

const PATH_PARAMETER = /\{([^}]+)\}/g;

/** A route's path as an invoke permission's source ARN names it: path parameters as `*`. */
export function sourcePath(routePath: string): string {
  return routePath.replace(PATH_PARAMETER, "*");
}

/** Each route path -> its methods, as the preflight lists them (the local gateway's order). */
export function httpPaths(
  functions: readonly FunctionWiring[] = FUNCTIONS,
): Record<string, { readonly methods: string }> {
  const methods = new Map<string, string[]>();
  for (const { trigger } of functions) {
    if (trigger.kind !== "http") continue;
    methods.set(trigger.path, [...(methods.get(trigger.path) ?? []), ...routeMethods(trigger)]);
  }
  return Object.fromEntries([...methods].map(([p, m]) => [p, { methods: m.join(", ") }]));
}

export function wiringJson(functions: readonly FunctionWiring[] = FUNCTIONS): WiringJson {
  const by = <T>(pick: (fn: FunctionWiring) => T | undefined): Record<string, T> =>
    Object.fromEntries(
      functions.flatMap((fn) => {
        const value = pick(fn);
        return value === undefined ? [] : [[fn.name, value]];
      }),
    );
  const httpRoutes = by((fn) =>
    fn.trigger.kind === "http"
      ? {
          method: fn.trigger.method,
          path: fn.trigger.path,
          authorization: fn.trigger.authorization,
          source_path: sourcePath(fn.trigger.path),
          request_parameters: Object.fromEntries(
            [...fn.trigger.path.matchAll(PATH_PARAMETER)].map((m) => [
              `method.request.path.${m[1]}`,
              true as const,
            ]),
          ),
        }
      : undefined,
  );
  return {
    functions: by((fn) => ({
      zip: path.posix.basename(fn.zip),
      trigger: fn.trigger.kind,
      table_grants: fn.tableActions.length > 0 ? [{ actions: [...fn.tableActions] }] : [],
      bucket_grants: fn.bucketGrants.map((g) => ({ actions: [...g.actions], prefix: g.prefix })),
      bucket_list_prefixes: [...fn.bucketListPrefixes],
      state_machine_actions: [...fn.stateMachineActions],
    })),
    http_routes: httpRoutes,
    head_routes: by((fn) =>
      fn.trigger.kind === "http" && routeMethods(fn.trigger).includes("HEAD")
        ? httpRoutes[fn.name]
        : undefined,
    ),
    http_paths: httpPaths(functions),
    cors: {
      allow_headers: CORS_ALLOWED_HEADERS.join(", "),
      expose_headers: CORS_EXPOSED_HEADERS.join(", "),
      max_age: String(CORS_MAX_AGE_SECONDS),
    },
    s3_notifications: by((fn) =>
      fn.trigger.kind === "s3" ? { events: [...fn.trigger.events] } : undefined,
    ),
    // S3 invokes its functions asynchronously: Lambda retries, then the event goes to a queue.
    async_functions: by((fn) =>
      fn.trigger.kind === "s3" ? { maximum_retry_attempts: INGEST_MAX_ATTEMPTS - 1 } : undefined,
    ),
    fan_out_function: fanOutFunction(functions),
  };
}

/** The one function the state machine invokes; none or two is a wiring mistake. */
export function fanOutFunction(functions: readonly FunctionWiring[] = FUNCTIONS): string {
  const tasks = functions.filter((fn) => fn.trigger.kind === "state-machine");
  if (tasks.length !== 1 || !tasks[0]) {
    throw new Error(`one function invoked by the state machine, not ${tasks.length}`);
  }
  return tasks[0].name;
}

export function functionsJson(functions: readonly FunctionWiring[] = FUNCTIONS): string {
  return `${JSON.stringify(wiringJson(functions), null, 2)}\n`;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  await writeFile(FUNCTIONS_JSON, functionsJson());
  console.log(`wrote ${path.relative(process.cwd(), FUNCTIONS_JSON)}`);
}
