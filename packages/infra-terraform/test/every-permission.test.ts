/**
 * Least privilege, exhaustively: every permission the module grants is pinned by a contract check.
 * The test walks the module itself (every statement of every policy document, every action and
 * resource in them, every principal, every invoke permission, every route's authorization) and,
 * for each, makes the mistakes that would widen access: an action dropped or added, a resource
 * widened, another principal trusted, an invoke permission loosened, a new way in. Each broken
 * copy must make the checks report a violation, where the module as it is reports none.
 */
import { beforeAll, describe, expect, it } from "vitest";
import { ALL_CHECKS } from "./all-checks.ts";
import { type HclObject, isObject, loadModule, type TfModule } from "./load-module.ts";
import { MODULE_DIR } from "./paths.ts";

type Json = Record<string, unknown>;

interface Mutation {
  readonly title: string;
  readonly apply: (json: Json) => void;
}

let mod: TfModule;
const mutations: Mutation[] = [];

/** An action of the same service that no role needs: what a careless edit adds. */
const EXTRA_ACTION: Readonly<Record<string, string>> = {
  dynamodb: "dynamodb:DeleteTable",
  s3: "s3:DeleteObject",
  logs: "logs:DeleteLogGroup",
  xray: "xray:GetTraceSummaries",
  sqs: "sqs:DeleteQueue",
  sts: "sts:TagSession",
};

function violationsOf(json: HclObject): string[] {
  const broken: TfModule = { ...mod, json };
  return Object.values(ALL_CHECKS).flatMap((check) => check(broken));
}

function blocks(json: Json, kind: "resource" | "data", type: string): Array<[string, Json]> {
  const byName = (json[kind] as Json | undefined)?.[type];
  if (!isObject(byName)) {
    return [];
  }
  return Object.entries(byName).map(([name, list]) => [name, (list as Json[])[0] as Json]);
}

function block(json: Json, kind: "resource" | "data", type: string, name: string): Json {
  const found = blocks(json, kind, type).find(([n]) => n === name)?.[1];
  if (!found) {
    throw new Error(`no ${kind} ${type}.${name}`);
  }
  return found;
}

function addResource(json: Json, type: string, name: string, body: Json): void {
  json["resource"] ??= {};
  const resource = json["resource"] as Json;
  resource[type] ??= {};
  (resource[type] as Json)[name] = [body];
}

/** Lists every mutation of the module as it is: one per permission and way of widening it. */
function enumerate(json: Json): Mutation[] {
  const list: Mutation[] = [];
  for (const [docName, doc] of blocks(json, "data", "aws_iam_policy_document")) {
    const statements = (doc["statement"] as Json[] | undefined) ?? [];
    statements.forEach((statement, i) => {
      const where = `${docName} statement ${String(statement["sid"] ?? i + 1)}`;
      const at = (copy: Json) =>
        (block(copy, "data", "aws_iam_policy_document", docName)["statement"] as Json[])[i] as Json;
      if ((statement["effect"] ?? "Allow") === "Deny") {
        list.push({
          title: `${where}: the Deny removed`,
          apply: (copy) => {
            (block(copy, "data", "aws_iam_policy_document", docName)["statement"] as Json[]).splice(
              i,
              1,
            );
          },
        });
        list.push({
          title: `${where}: the Deny turned into an Allow`,
          apply: (copy) => {
            at(copy)["effect"] = "Allow";
          },
        });
        return;
      }
      const actions = (statement["actions"] as string[] | undefined) ?? [];
      for (const action of actions) {
        list.push({
          title: `${where}: ${action} dropped`,
          apply: (copy) => {
            const s = at(copy);
            s["actions"] = (s["actions"] as string[]).filter((a) => a !== action);
          },
        });
      }
      for (const service of new Set(actions.map((a) => a.split(":")[0] ?? ""))) {
        const extra = EXTRA_ACTION[service] ?? `${service}:Extra`;
        list.push({
          title: `${where}: ${extra} added`,
          apply: (copy) => {
            const s = at(copy);
            s["actions"] = [...(s["actions"] as string[]), extra];
          },
        });
        list.push({
          title: `${where}: ${service}:* added`,
          apply: (copy) => {
            const s = at(copy);
            s["actions"] = [...(s["actions"] as string[]), `${service}:*`];
          },
        });
      }
      const resources = (statement["resources"] as string[] | undefined) ?? [];
      resources.forEach((resource, r) => {
        const widen = (to: string) => (copy: Json) => {
          const s = at(copy);
          s["resources"] = (s["resources"] as string[]).map((x, k) => (k === r ? to : x));
        };
        if (resource !== "*") {
          list.push({ title: `${where}: ${resource} widened to *`, apply: widen("*") });
        }
        if (!resource.endsWith("*")) {
          list.push({
            title: `${where}: ${resource} widened to ${resource}*`,
            apply: widen(`${resource}*`),
          });
        }
      });
      ((statement["principals"] as Json[] | undefined) ?? []).forEach((_, p) => {
        const principal = (copy: Json) => (at(copy)["principals"] as Json[])[p] as Json;
        list.push({
          title: `${where}: ec2.amazonaws.com trusted too`,
          apply: (copy) => {
            const x = principal(copy);
            x["identifiers"] = [...(x["identifiers"] as string[]), "ec2.amazonaws.com"];
          },
        });
        list.push({
          title: `${where}: any AWS principal trusted`,
          apply: (copy) => {
            Object.assign(principal(copy), { type: "AWS", identifiers: ["*"] });
          },
        });
      });
    });
  }

  for (const [name, permission] of blocks(json, "resource", "aws_lambda_permission")) {
    const at = (copy: Json) => block(copy, "resource", "aws_lambda_permission", name);
    list.push({
      title: `${name}: source_arn removed`,
      apply: (copy) => {
        delete at(copy)["source_arn"];
      },
    });
    list.push({
      title: `${name}: principal *`,
      apply: (copy) => {
        at(copy)["principal"] = "*";
      },
    });
    list.push({
      title: `${name}: action lambda:*`,
      apply: (copy) => {
        at(copy)["action"] = "lambda:*";
      },
    });
    list.push({
      title: `${name}: action lambda:InvokeFunctionUrl`,
      apply: (copy) => {
        at(copy)["action"] = "lambda:InvokeFunctionUrl";
      },
    });
    if ("source_account" in permission) {
      list.push({
        title: `${name}: source_account removed`,
        apply: (copy) => {
          delete at(copy)["source_account"];
        },
      });
    }
    const sourceArn = String(permission["source_arn"]);
    if (sourceArn.includes("/movies/")) {
      list.push({
        title: `${name}: source_arn any method and path`,
        apply: (copy) => {
          at(copy)["source_arn"] = sourceArn.replace(/\/\*\/[A-Z]+\/movies\/\*$/, "/*");
        },
      });
    }
  }

  for (const [name, method] of blocks(json, "resource", "aws_api_gateway_method")) {
    const other = method["authorization"] === "NONE" ? "AWS_IAM" : "NONE";
    list.push({
      title: `route ${name}: authorization changed to ${other}`,
      apply: (copy) => {
        block(copy, "resource", "aws_api_gateway_method", name)["authorization"] = other;
      },
    });
  }

  // New ways in that no existing block would show, for every function and queue of the module.
  for (const [name] of blocks(json, "resource", "aws_lambda_function")) {
    const functionName = `\${aws_lambda_function.${name}.function_name}`;
    list.push(
      {
        title: `a public invoke permission for ${name}`,
        apply: (copy) =>
          addResource(copy, "aws_lambda_permission", "public", {
            action: "lambda:InvokeFunction",
            function_name: functionName,
            principal: "*",
          }),
      },
      {
        title: `a second, wider API Gateway permission for ${name}`,
        apply: (copy) =>
          addResource(copy, "aws_lambda_permission", "wide", {
            action: "lambda:InvokeFunction",
            function_name: functionName,
            principal: "apigateway.amazonaws.com",
            source_arn: `\${aws_api_gateway_rest_api.movies.execution_arn}/*`,
          }),
      },
      {
        title: `a function URL without auth on ${name}`,
        apply: (copy) =>
          addResource(copy, "aws_lambda_function_url", "open", {
            function_name: functionName,
            authorization_type: "NONE",
          }),
      },
    );
  }
  for (const [name] of blocks(json, "resource", "aws_sqs_queue")) {
    list.push({
      title: `a queue policy letting anyone send to ${name}`,
      apply: (copy) => {
        const docs = (copy["data"] as Json)["aws_iam_policy_document"] as Json;
        docs["anyone"] = [
          {
            statement: [
              {
                effect: "Allow",
                actions: ["sqs:SendMessage"],
                resources: [`\${aws_sqs_queue.${name}.arn}`],
                principals: [{ type: "*", identifiers: ["*"] }],
              },
            ],
          },
        ];
        addResource(copy, "aws_sqs_queue_policy", "anyone", {
          queue_url: `\${aws_sqs_queue.${name}.id}`,
          policy: `\${data.aws_iam_policy_document.anyone.json}`,
        });
      },
    });
  }
  list.push(
    {
      title: "a role for EC2",
      apply: (copy) =>
        addResource(copy, "aws_iam_role", "debug", {
          name: "debug",
          assume_role_policy: `\${data.aws_iam_policy_document.lambda_assume_role.json}`,
        }),
    },
    {
      title: "a public-read bucket ACL",
      apply: (copy) =>
        addResource(copy, "aws_s3_bucket_acl", "public", {
          bucket: `\${aws_s3_bucket.movie_infos.id}`,
          acl: "public-read",
        }),
    },
    {
      title: "a managed policy attached to API Gateway's logging role",
      apply: (copy) =>
        addResource(copy, "aws_iam_role_policy_attachment", "apigw_admin", {
          role: `\${aws_iam_role.api_gateway_cloudwatch[0].name}`,
          policy_arn: "arn:aws:iam::aws:policy/AdministratorAccess",
        }),
    },
  );
  return list;
}

beforeAll(async () => {
  mod = await loadModule(MODULE_DIR);
  mutations.push(...enumerate(structuredClone(mod.json) as Json));
});

describe("every permission of the module is pinned by a check", () => {
  it("the module as it is passes every check", () => {
    expect(violationsOf(mod.json)).toEqual([]);
  });

  it("every way of widening any permission is reported", () => {
    const missed: string[] = [];
    for (const mutation of mutations) {
      const copy = structuredClone(mod.json) as Json;
      mutation.apply(copy);
      if (violationsOf(copy).length === 0) {
        missed.push(mutation.title);
      }
    }
    console.info(
      `[reliability] terraform least-privilege mutations: ${JSON.stringify({ tried: mutations.length, caught: mutations.length - missed.length })}`,
    );
    expect(missed).toEqual([]);
    // The walk found the module's permissions: a role per function and API Gateway's, and more.
    expect(mutations.length).toBeGreaterThan(100);
  });
});
