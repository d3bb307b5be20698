import { readFile } from "node:fs/promises";
import path from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { loadModule, outputNames, type TfModule, variableNames } from "./load-module.ts";
import { MODULE_DIR } from "./paths.ts";

let mod: TfModule;
let readme: string;

beforeAll(async () => {
  mod = await loadModule(MODULE_DIR);
  readme = await readFile(path.join(MODULE_DIR, "README.md"), "utf8");
});

describe("README.md", () => {
  it("documents every variable and output", () => {
    for (const name of [...variableNames(mod), ...outputNames(mod)]) {
      expect(readme, name).toMatch(new RegExp(`^\\| \`${name}\` +\\|`, "m"));
    }
  });

  it("gives the deploy steps, the SigV4 PATCH and the teardown", () => {
    for (const text of [
      "pnpm --filter @movies/adapters-lambda build",
      "terraform init",
      "terraform plan",
      "terraform apply",
      '--aws-sigv4 "aws:amz:$REGION:execute-api"',
      '--user "$AWS_ACCESS_KEY_ID:$AWS_SECRET_ACCESS_KEY"',
      '-H "x-amz-security-token: $AWS_SESSION_TOKEN"',
      "table_deletion_protection=false",
      "terraform destroy",
    ]) {
      expect(readme).toContain(text);
    }
  });
});
