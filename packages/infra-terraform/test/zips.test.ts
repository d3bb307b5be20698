import { existsSync } from "node:fs";
import { readFile } from "node:fs/promises";
import path from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { FUNCTIONS } from "../../adapters-lambda/src/wiring.ts";
import { expectedZipPath, functionResource, localValue } from "./checks.ts";
import { attr, loadModule, type TfModule, variable } from "./load-module.ts";
import { ADAPTERS_DIR, MODULE_DIR } from "./paths.ts";

let mod: TfModule;

beforeAll(async () => {
  mod = await loadModule(MODULE_DIR);
});

describe("the zips the module deploys", () => {
  it("are wiring.ts's zips: the same file names, and by default read from the adapters package next to the module", () => {
    const local = /^\$\{coalesce\(var\.lambda_dist_dir, "\$\{path\.module\}\/([^"]+)"\)\}$/.exec(
      String(localValue(mod, `\${local.lambda_dist_dir}`)),
    );
    expect(attr(variable(mod, "lambda_dist_dir"), "default")).toBe(null);
    const distDir = local?.[1];
    expect(distDir).toBeDefined();
    for (const fn of FUNCTIONS) {
      const lambda = functionResource(mod, fn);
      expect(attr(lambda?.block, "filename"), fn.name).toBe(expectedZipPath(fn));
      expect(attr(lambda?.block, "source_code_hash"), fn.name).toBe(
        `\${filebase64sha256("${expectedZipPath(fn)}")}`,
      );
      // path.module is this directory: the default resolves to the adapters package's zip.
      const deployed = path.resolve(MODULE_DIR, String(distDir), path.basename(fn.zip));
      expect(deployed, fn.name).toBe(path.resolve(ADAPTERS_DIR, fn.zip));
    }
  });

  it("exist, as zips with an index module at their root, once the adapters package is built", async () => {
    const dist = path.join(ADAPTERS_DIR, "dist");
    if (!existsSync(dist)) {
      console.warn(
        `NOTICE: ${path.relative(process.cwd(), dist)} does not exist: the zips were not checked. ` +
          "Build them with `pnpm --filter @movies/adapters-lambda build` before terraform plan.",
      );
      return;
    }
    for (const fn of FUNCTIONS) {
      const zip = path.resolve(ADAPTERS_DIR, fn.zip);
      expect(existsSync(zip), `${fn.zip} is missing`).toBe(true);
      const bytes = await readFile(zip);
      expect(bytes.subarray(0, 4).toString("latin1"), `${fn.zip} is not a zip`).toBe(
        "PK\u0003\u0004",
      );
      // The handler is index.handler: the archive must hold index.mjs, index.js or index.cjs.
      expect(bytes.toString("latin1"), `${fn.zip} has no index module`).toMatch(/index\.[cm]?js/);
    }
  });
});
