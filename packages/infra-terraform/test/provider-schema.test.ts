/**
 * The module against hashicorp/aws 6.25.0's schema (provider-schema/aws.json), offline; and the
 * check shown to bite: each seeded mistake, one a copy, must be reported.
 */
import { afterEach, beforeAll, describe, expect, it } from "vitest";
import { FUNCTIONS } from "../../adapters-lambda/src/wiring.ts";
import { instanceAddress, loadModule, type TfModule } from "./load-module.ts";
import { append, copyModule, mutate, removeCopy } from "./mutate.ts";
import { MODULE_DIR } from "./paths.ts";
import {
  checkProviderConstraint,
  checkProviderSchema,
  loadProviderSchema,
  minimumProviderVersion,
  type ProviderSchema,
} from "./provider-schema.ts";

let schema: ProviderSchema;
let mod: TfModule;
let copy: string | undefined;

beforeAll(async () => {
  schema = loadProviderSchema();
  mod = await loadModule(MODULE_DIR);
});

afterEach(async () => {
  if (copy) await removeCopy(copy);
  copy = undefined;
});

async function broken(edit: (dir: string) => Promise<void>): Promise<TfModule> {
  copy = await copyModule(MODULE_DIR);
  await edit(copy);
  return loadModule(copy);
}

const INGEST = FUNCTIONS.find((fn) => fn.trigger.kind === "s3")?.name ?? "";
const INGEST_LAMBDA = instanceAddress("aws_lambda_function.function", INGEST);

interface Seeded {
  readonly title: string;
  readonly file: string;
  readonly from: string;
  readonly to: string;
  /** The start of the violation the schema check must report. */
  readonly expected: string;
}

const SEEDED: readonly Seeded[] = [
  {
    title: "stage_name on a deployment (gone in 6.0)",
    file: "api.tf",
    from: "  rest_api_id = aws_api_gateway_rest_api.movies.id\n\n  # A new deployment",
    to: '  rest_api_id = aws_api_gateway_rest_api.movies.id\n  stage_name  = "v1"\n\n  # A new deployment',
    expected: 'aws_api_gateway_deployment.movies: unknown argument or block "stage_name"',
  },
  {
    title: "reset_on_delete on the API Gateway account settings (gone in 6.0)",
    file: "api.tf",
    from: "  cloudwatch_role_arn = aws_iam_role.api_gateway_cloudwatch[0].arn\n",
    to: "  cloudwatch_role_arn = aws_iam_role.api_gateway_cloudwatch[0].arn\n  reset_on_delete     = true\n",
    expected: 'aws_api_gateway_account.this: unknown argument or block "reset_on_delete"',
  },
  {
    title: "a misspelled argument",
    file: "functions.tf",
    from: "  memory_size                    = local",
    to: "  memory_szie                    = local",
    expected: `${INGEST_LAMBDA}: unknown argument or block "memory_szie" (did you mean "memory_size"?)`,
  },
  {
    title: "a once-only block written twice",
    file: "table.tf",
    from: "  point_in_time_recovery {\n    enabled = true\n  }\n",
    to: "  point_in_time_recovery {\n    enabled = true\n  }\n\n  point_in_time_recovery {\n    enabled = false\n  }\n",
    expected: 'aws_dynamodb_table.movies: block "point_in_time_recovery" may appear once, found 2',
  },
  {
    title: '"yes" for a boolean',
    file: "api.tf",
    from: "xray_tracing_enabled = true",
    to: 'xray_tracing_enabled = "yes"',
    expected: 'aws_api_gateway_stage.live: xray_tracing_enabled = "yes" is not a bool',
  },
  {
    title: "a word for a number",
    file: "functions.tf",
    from: "message_retention_seconds = 1209600",
    to: 'message_retention_seconds = "two weeks"',
    expected: `${instanceAddress("aws_sqs_queue.failures", INGEST)}: message_retention_seconds = "two weeks" is not a number`,
  },
  {
    title: "a block written as an attribute",
    file: "table.tf",
    from: "  server_side_encryption {\n    enabled = true\n  }\n",
    to: "  server_side_encryption = { enabled = true }\n",
    expected:
      'aws_dynamodb_table.movies: "server_side_encryption" is a block, written as an argument',
  },
  {
    title: "an attribute written as a block",
    file: "alarms.tf",
    from: '  dimensions          = { service = "movies" }\n',
    to: '  dimensions {\n    service = "movies"\n  }\n',
    expected:
      'aws_cloudwatch_metric_alarm.ingests_failed: "dimensions" is an argument, written as a block',
  },
  {
    title: "a required argument left out",
    file: "api.tf",
    from: '  path_part   = "movies"\n',
    to: "",
    expected: 'aws_api_gateway_resource.movies: missing required argument "path_part"',
  },
  {
    title: "a required block left out",
    file: "bucket.tf",
    from: '  versioning_configuration {\n    status = "Enabled"\n  }\n',
    to: "",
    expected:
      'aws_s3_bucket_versioning.movie_infos: missing required block "versioning_configuration"',
  },
  {
    title: "a reference to an attribute the type does not export",
    file: "outputs.tf",
    from: "value       = aws_api_gateway_stage.live.invoke_url\n",
    to: "value       = aws_api_gateway_stage.live.url\n",
    expected: 'aws_api_gateway_stage.live.url: aws_api_gateway_stage exports no attribute "url"',
  },
  {
    title: "a runtime the provider does not know",
    file: "functions.tf",
    from: 'runtime          = "nodejs24.x"',
    to: 'runtime          = "nodejs26.x"',
    expected: `${INGEST_LAMBDA}: runtime "nodejs26.x" is not one of `,
  },
  {
    title: "an architecture the provider does not know",
    file: "functions.tf",
    from: 'architectures    = ["arm64"]',
    to: 'architectures    = ["aarch64"]',
    expected: `${INGEST_LAMBDA}: architectures "aarch64" is not one of x86_64, arm64`,
  },
  {
    title: "an unknown gateway response type",
    file: "api.tf",
    from: "  response_type = each.key\n",
    to: '  response_type = "NOT_FOUND"\n',
    expected:
      'aws_api_gateway_gateway_response.problem["DEFAULT_4XX"]: response_type "NOT_FOUND" is not one of ',
  },
];

describe("the provider schema check (hashicorp/aws 6.25.0, offline)", () => {
  it("describes hashicorp/aws 6.25.0, extracted from @cdktf/provider-aws 21.22.1", () => {
    expect(schema.version).toBe("6.25.0");
    expect(schema.extracted_from).toBe("@cdktf/provider-aws@21.22.1");
  });

  it("passes every resource and data block of the module", () => {
    expect(checkProviderSchema(mod, schema).violations).toEqual([]);
  });

  it("admits no provider release that rejects what the module sets", () => {
    expect(checkProviderConstraint(mod, schema)).toEqual([]);
    const needed = minimumProviderVersion(mod, schema);
    expect(needed.version).toBe("6.19.0");
    expect(needed.because).toContain("aws_lambda_function.runtime = nodejs24.x (6.19.0)");
  });

  it.each(SEEDED)("reports $title", async ({ file, from, to, expected }) => {
    const broken_ = await broken((dir) => mutate(dir, file, from, to));
    const { violations } = checkProviderSchema(broken_, schema);
    expect(
      violations.some((v) => v.startsWith(expected)),
      violations.join("\n"),
    ).toBe(true);
  });

  it("says how to re-extract when the module uses a type the trimmed schema lacks", async () => {
    const broken_ = await broken((dir) =>
      append(
        dir,
        "alarms.tf",
        'resource "aws_sns_topic_subscription" "ops" {\n  topic_arn = "arn:aws:sns:eu-west-1:000000000000:ops"\n  protocol  = "email"\n  endpoint  = "ops@example.com"\n}',
      ),
    );
    expect(checkProviderSchema(broken_, schema).violations).toEqual([
      "aws_sns_topic_subscription.ops: resource type aws_sns_topic_subscription is not in provider-schema/aws.json (hashicorp/aws 6.25.0); re-extract it with scripts/extract-provider-schema.ts (see the README's 'Provider schema')",
    ]);
  });

  it("refuses a constraint that admits a release rejecting nodejs24.x", async () => {
    const broken_ = await broken((dir) =>
      mutate(dir, "versions.tf", '">= 6.19.0, < 7.0.0"', '">= 6.18.0, < 7.0.0"'),
    );
    expect(checkProviderConstraint(broken_, schema)).toContain(
      'aws provider constraint ">= 6.18.0, < 7.0.0" admits 6.18.0, but the module needs 6.19.0 or newer: aws_lambda_function.runtime = nodejs24.x (6.19.0)',
    );
  });

  it("refuses the old ~> 6.0 and an open upper bound", async () => {
    for (const constraint of ['"~> 6.0"', '">= 6.19.0, < 8.0.0"']) {
      const broken_ = await broken((dir) =>
        mutate(dir, "versions.tf", '">= 6.19.0, < 7.0.0"', constraint),
      );
      expect(checkProviderConstraint(broken_, schema), constraint).not.toEqual([]);
      await removeCopy(copy as string);
      copy = undefined;
    }
  });

  it("asks for the first release of an argument newer than 6.0.0 before the module may use it", async () => {
    const broken_ = await broken((dir) =>
      mutate(
        dir,
        "api.tf",
        '/access"\n  retention_in_days = var.log_retention_days\n',
        '/access"\n  retention_in_days = var.log_retention_days\n  deletion_protection_enabled = false\n',
      ),
    );
    expect(checkProviderSchema(broken_, schema).violations).toEqual([]);
    expect(checkProviderConstraint(broken_, schema)).toContain(
      "aws_cloudwatch_log_group.deletion_protection_enabled is newer than hashicorp/aws 6.0.0: find the release that added it (the provider's CHANGELOG) and add it to ARGUMENT_SINCE in test/provider-values.ts",
    );
  });
});
