/**
 * Reading IAM policy documents: the statements of an aws_iam_policy_document, the attributes that
 * hold one, who a role trusts, and what the bucket policy denies.
 */
import {
  attr,
  dataSources,
  type HclObject,
  type NamedBlock,
  nested,
  reference,
  resources,
  str,
  strList,
  type TfModule,
} from "../load-module.ts";
import { forBucket, refersTo, sameSet } from "./module.ts";

/** Services whose statements reach data: they must name this module's resources. */
export const DATA_SERVICES = new Set(["dynamodb", "s3", "sqs"]);

export function describeStatement(doc: string, statement: HclObject, index: number): string {
  return `${doc} statement ${str(statement, "sid") ?? `#${index + 1}`}`;
}

export interface Statement {
  readonly where: string;
  readonly effect: string;
  readonly actions: readonly string[];
  readonly resources: readonly string[];
  readonly block: HclObject;
}

export function statementsOf(doc: NamedBlock): Statement[] {
  return nested(doc.block, "statement").map((statement, index) => ({
    where: describeStatement(doc.address, statement, index),
    effect: str(statement, "effect") ?? "Allow",
    actions: strList(statement, "actions") ?? [],
    resources: strList(statement, "resources") ?? [],
    block: statement,
  }));
}

/** The aws_iam_policy_document a policy attribute is set to (`data.….json`), if any. */
export function policyDocument(mod: TfModule, value: unknown): NamedBlock | undefined {
  const ref = reference(value);
  const match = ref && /^data\.aws_iam_policy_document\.([\w-]+(?:\["[^"]*"\])?)\.json$/.exec(ref);
  if (!match) {
    return undefined;
  }
  return dataSources(mod, "aws_iam_policy_document").find((d) => d.name === match[1]);
}

/** Attributes that hold a policy document, by resource type. */
export const POLICY_ATTRIBUTES: ReadonlyArray<readonly [string, string]> = [
  ["aws_iam_role", "assume_role_policy"],
  ["aws_iam_role_policy", "policy"],
  ["aws_iam_policy", "policy"],
  ["aws_s3_bucket_policy", "policy"],
  ["aws_sqs_queue_policy", "policy"],
  ["aws_lambda_function_url", "policy"],
  ["aws_api_gateway_rest_api_policy", "policy"],
];

/** The actions of the AWS managed policy AmazonAPIGatewayPushToCloudWatchLogs. */
export const API_GATEWAY_LOG_ACTIONS = [
  "logs:CreateLogGroup",
  "logs:CreateLogStream",
  "logs:DescribeLogGroups",
  "logs:DescribeLogStreams",
  "logs:PutLogEvents",
  "logs:GetLogEvents",
  "logs:FilterLogEvents",
] as const;

/** This account's log groups in this region, nothing wider. */
export const API_GATEWAY_LOG_RESOURCE = `arn:\${local.partition}:logs:\${var.region}:\${local.account_id}:*`;

/** Managed or attached policies of a role: the checks read only inline role policy documents. */
export function unreadablePolicies(mod: TfModule, role: NamedBlock, who: string): string[] {
  const violations: string[] = [];
  if ("managed_policy_arns" in role.block || "inline_policy" in role.block) {
    violations.push(`${who}: use aws_iam_role_policy, not managed_policy_arns or inline_policy`);
  }
  for (const type of ["aws_iam_role_policy_attachment", "aws_iam_policy_attachment"]) {
    for (const attachment of resources(mod, type)) {
      const roleRefs = [
        attr(attachment.block, "role"),
        ...(strList(attachment.block, "roles") ?? []),
      ];
      if (roleRefs.some((r) => refersTo(r, role.address))) {
        violations.push(
          `${who}: ${attachment.address} attaches a managed policy the checks cannot read`,
        );
      }
    }
  }
  return violations;
}

export function trustedServices(mod: TfModule, role: NamedBlock): string[] | undefined {
  const trust = policyDocument(mod, attr(role.block, "assume_role_policy"));
  const statements = trust ? statementsOf(trust) : [];
  if (statements.length === 0) {
    return undefined;
  }
  const services: string[] = [];
  for (const s of statements) {
    const principals = nested(s.block, "principals");
    if (
      s.effect !== "Allow" ||
      !sameSet(s.actions, ["sts:AssumeRole"]) ||
      principals.length !== 1 ||
      str(principals[0], "type") !== "Service" ||
      "condition" in s.block
    ) {
      return undefined;
    }
    services.push(...(strList(principals[0], "identifiers") ?? []));
  }
  return services;
}

/** Resource policies: what they say is granted to principals the roles' checks never see. */
export const RESOURCE_POLICIES: ReadonlyArray<readonly [string, string]> = [
  ["aws_s3_bucket_policy", "policy"],
  ["aws_sqs_queue_policy", "policy"],
  ["aws_api_gateway_rest_api_policy", "policy"],
  ["aws_dynamodb_resource_policy", "policy"],
];

/**
 * Whether the bucket's policy denies every action to everyone, on the bucket and its objects,
 * under the given condition (e.g. `Bool aws:SecureTransport false`).
 */
export function bucketPolicyDeniesAll(
  mod: TfModule,
  bucket: NamedBlock,
  test: string,
  variable: string,
  values: readonly string[],
): boolean {
  const b = bucket.address;
  const policy = forBucket(mod, "aws_s3_bucket_policy", bucket);
  const doc = policy && policyDocument(mod, attr(policy.block, "policy"));
  return (doc ? statementsOf(doc) : []).some(
    (s) =>
      s.effect === "Deny" &&
      s.actions.includes("s3:*") &&
      s.resources.includes(`\${${b}.arn}`) &&
      s.resources.includes(`\${${b}.arn}/*`) &&
      nested(s.block, "principals").some((p) => (strList(p, "identifiers") ?? []).includes("*")) &&
      nested(s.block, "condition").some(
        (c) =>
          str(c, "test") === test &&
          str(c, "variable") === variable &&
          sameSet(strList(c, "values") ?? [], values),
      ),
  );
}
