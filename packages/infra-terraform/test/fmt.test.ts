import { spawnSync } from "node:child_process";
import { describe, expect, it } from "vitest";
import { MODULE_DIR } from "./paths.ts";

describe("terraform fmt", () => {
  it("finds nothing to format (terraform fmt -check -recursive)", () => {
    const result = spawnSync("terraform", ["fmt", "-check", "-recursive", "-diff", "-no-color"], {
      cwd: MODULE_DIR,
      encoding: "utf8",
    });
    if ((result.error as NodeJS.ErrnoException | undefined)?.code === "ENOENT") {
      console.warn(
        "NOTICE: terraform is not on the PATH: `terraform fmt -check -recursive` was not run.",
      );
      return;
    }
    expect(result.error).toBeUndefined();
    expect(result.status, `terraform fmt would change:\n${result.stdout}${result.stderr}`).toBe(0);
  });
});
