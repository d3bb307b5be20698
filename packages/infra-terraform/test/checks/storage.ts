/** The bucket, its notification, and the secure defaults of the bucket, table and functions. */
import { FUNCTIONS } from "../../../adapters-lambda/src/wiring.ts";
import {
  attr,
  baseAddress,
  nested,
  reference,
  resolved,
  resources,
  single,
  str,
  strList,
  variable,
} from "../load-module.ts";
import {
  type Check,
  failureQueue,
  forBucket,
  functionLogGroup,
  functionResource,
  isAsync,
  onlyOne,
  positive,
  referenced,
  sameSet,
} from "./module.ts";
import { bucketPolicyDeniesAll } from "./policies.ts";

/** The bucket notifies exactly wiring's S3-triggered functions with its events, unfiltered. */
export const checkNotification: Check = (mod, functions = FUNCTIONS) => {
  const violations: string[] = [];
  const notification = onlyOne(mod, "aws_s3_bucket_notification", violations);
  const bucket = onlyOne(mod, "aws_s3_bucket", violations);
  if (!notification || !bucket) {
    return violations;
  }
  const where = notification.address;
  if (!referenced(mod, attr(notification.block, "bucket"), "aws_s3_bucket", ["id", "bucket"])) {
    violations.push(`${where}: bucket must be ${bucket.address}`);
  }
  const configs = nested(notification.block, "lambda_function");
  const s3Functions = functions.filter((fn) => fn.trigger.kind === "s3");
  const dependsOn = (attr(notification.block, "depends_on") as unknown[] | undefined) ?? [];
  for (const config of configs) {
    const target = reference(attr(config, "lambda_function_arn"));
    if (!s3Functions.some((fn) => target === `${functionResource(mod, fn)?.address}.arn`)) {
      violations.push(
        `${where}: notifies ${String(attr(config, "lambda_function_arn"))}, which wiring.ts does not trigger from S3`,
      );
    }
  }
  for (const fn of s3Functions) {
    if (fn.trigger.kind !== "s3") {
      continue;
    }
    const lambda = functionResource(mod, fn);
    const mine = configs.filter(
      (c) => lambda && reference(attr(c, "lambda_function_arn")) === `${lambda.address}.arn`,
    );
    const config = mine[0];
    if (mine.length !== 1 || !config) {
      violations.push(
        `${where}: expected one lambda_function notification for ${fn.name}, found ${mine.length}`,
      );
      continue;
    }
    const events = strList(config, "events") ?? [];
    if (!sameSet(events, fn.trigger.events)) {
      violations.push(
        `${where}: ${fn.name} events ${JSON.stringify(events)}, wiring.ts says ${JSON.stringify(fn.trigger.events)}`,
      );
    }
    for (const filter of ["filter_suffix", "filter_prefix"]) {
      if (attr(config, filter) !== undefined && attr(config, filter) !== "") {
        violations.push(
          `${where}: ${fn.name} has a ${filter}, but the function picks its keys itself (S3's filters are case-sensitive)`,
        );
      }
    }
    const permission = resources(mod, "aws_lambda_permission").find(
      (p) =>
        lambda &&
        reference(attr(p.block, "function_name"))?.startsWith(`${lambda.address}.`) &&
        str(p.block, "principal") === "s3.amazonaws.com",
    );
    if (!permission) {
      violations.push(`${where}: no aws_lambda_permission lets S3 invoke ${fn.name}`);
      continue;
    }
    if (reference(attr(permission.block, "source_arn")) !== `${bucket.address}.arn`) {
      violations.push(`${permission.address}: source_arn must be ${bucket.address}.arn`);
    }
    if (!attr(permission.block, "source_account")) {
      violations.push(`${permission.address}: source_account must be set`);
    }
    if (str(permission.block, "action") !== "lambda:InvokeFunction") {
      violations.push(`${permission.address}: action must be lambda:InvokeFunction`);
    }
    if (
      !dependsOn.some((d) =>
        [permission.address, baseAddress(permission.address)].includes(String(reference(d))),
      )
    ) {
      violations.push(
        `${where}: must depend on ${permission.address} (S3 checks the permission when saving)`,
      );
    }
  }
  return violations;
};

/** The secure defaults, and the operational ones. */
export const checkSecurityDefaults: Check = (mod, functions = FUNCTIONS) => {
  const violations: string[] = [];

  // Bucket: private, encrypted, versioned, TLS only.
  const bucket = onlyOne(mod, "aws_s3_bucket", violations);
  if (bucket) {
    const b = bucket.address;
    if (attr(bucket.block, "force_destroy") === true) {
      violations.push(`${b}: force_destroy must not be true`);
    }
    const pab = forBucket(mod, "aws_s3_bucket_public_access_block", bucket);
    for (const flag of [
      "block_public_acls",
      "block_public_policy",
      "ignore_public_acls",
      "restrict_public_buckets",
    ]) {
      if (pab?.block[flag] !== true) {
        violations.push(`${b}: public access block ${flag} must be true`);
      }
    }
    const sse = forBucket(mod, "aws_s3_bucket_server_side_encryption_configuration", bucket);
    const algorithm = str(
      single(single(sse?.block, "rule"), "apply_server_side_encryption_by_default"),
      "sse_algorithm",
    );
    if (!algorithm || !["AES256", "aws:kms", "aws:kms:dsse"].includes(algorithm)) {
      violations.push(`${b}: default server-side encryption must be configured`);
    }
    const versioning = forBucket(mod, "aws_s3_bucket_versioning", bucket);
    if (str(single(versioning?.block, "versioning_configuration"), "status") !== "Enabled") {
      violations.push(`${b}: versioning must be Enabled`);
    }
    const tlsOnly = bucketPolicyDeniesAll(mod, bucket, "Bool", "aws:SecureTransport", ["false"]);
    if (!tlsOnly) {
      violations.push(
        `${b}: the bucket policy must deny every request with aws:SecureTransport false (TLS only)`,
      );
    }
  }

  // Table: on demand, pk/sk, point-in-time recovery, encryption, deletion protection.
  const table = onlyOne(mod, "aws_dynamodb_table", violations);
  if (table) {
    const t = table.address;
    if (str(table.block, "billing_mode") !== "PAY_PER_REQUEST") {
      violations.push(`${t}: billing_mode must be PAY_PER_REQUEST`);
    }
    if (str(table.block, "hash_key") !== "pk" || str(table.block, "range_key") !== "sk") {
      violations.push(`${t}: keys must be hash pk and range sk`);
    }
    const attributes = nested(table.block, "attribute").map(
      (a) => `${str(a, "name")}:${str(a, "type")}`,
    );
    if (!sameSet(attributes, ["pk:S", "sk:S"])) {
      violations.push(`${t}: attributes must be pk (S) and sk (S)`);
    }
    if (attr(single(table.block, "point_in_time_recovery"), "enabled") !== true) {
      violations.push(`${t}: point-in-time recovery must be enabled`);
    }
    if (attr(single(table.block, "server_side_encryption"), "enabled") !== true) {
      violations.push(`${t}: server_side_encryption must be enabled`);
    }
    if (
      reference(attr(table.block, "deletion_protection_enabled")) !==
      "var.table_deletion_protection"
    ) {
      violations.push(`${t}: deletion_protection_enabled must be var.table_deletion_protection`);
    }
    if (attr(variable(mod, "table_deletion_protection"), "default") !== true) {
      violations.push("variable table_deletion_protection must default to true");
    }
  }

  // Functions: X-Ray, JSON logs into their own group; the ingest one at a time, failures kept.
  for (const fn of functions) {
    const lambda = functionResource(mod, fn);
    if (!lambda) {
      continue;
    }
    const where = `${fn.name} (${lambda.address})`;
    if (str(single(lambda.block, "tracing_config"), "mode") !== "Active") {
      violations.push(`${where}: X-Ray tracing_config mode must be Active`);
    }
    const logging = single(lambda.block, "logging_config");
    if (str(logging, "log_format") !== "JSON") {
      violations.push(`${where}: logging_config log_format must be JSON`);
    }
    const group = functionLogGroup(mod, lambda);
    if (!group) {
      violations.push(
        `${where}: logging_config log_group must be an aws_cloudwatch_log_group of this module`,
      );
    } else if (str(group.block, "name") !== `/aws/lambda/${str(lambda.block, "function_name")}`) {
      violations.push(`${group.address}: name must be /aws/lambda/<function_name>`);
    }
    if (isAsync(fn)) {
      const reserved = attr(lambda.block, "reserved_concurrent_executions");
      const concurrency = variable(mod, "ingest_reserved_concurrency");
      if (
        reference(reserved) !== "var.ingest_reserved_concurrency" ||
        attr(concurrency, "default") !== 1 ||
        attr(concurrency, "nullable") === false
      ) {
        violations.push(
          `${where}: reserved_concurrent_executions must be var.ingest_reserved_concurrency, 1 by default (one snapshot at a time) and nullable (accounts at the 10-execution quota)`,
        );
      }
      const queue = failureQueue(mod, lambda);
      if (!queue) {
        violations.push(
          `${where}: needs an on-failure destination (aws_lambda_function_event_invoke_config) to an SQS queue`,
        );
      } else if (
        attr(queue.block, "sqs_managed_sse_enabled") !== true &&
        !attr(queue.block, "kms_master_key_id")
      ) {
        violations.push(`${queue.address}: the failure queue must be encrypted`);
      }
    }
  }
  for (const group of resources(mod, "aws_cloudwatch_log_group")) {
    if (!positive(resolved(mod, attr(group.block, "retention_in_days")))) {
      violations.push(`${group.address}: retention_in_days must be set`);
    }
  }
  return violations;
};
