import { readFileSync } from "node:fs";
import { CLI_HELP, CLI_OPTIONS, CLI_VARIABLES } from "@movies/cli/options";
import { describe, expect, test } from "vitest";
import { START_HELP, START_OPTIONS, START_VARIABLES } from "./start-options.ts";

const readme = readFileSync(new URL("../../../README.md", import.meta.url), "utf8");

describe("every flag and variable is documented", () => {
  test.each([
    ["movies --help", CLI_HELP, Object.keys(CLI_OPTIONS), CLI_VARIABLES],
    ["pnpm start --help", START_HELP, Object.keys(START_OPTIONS), START_VARIABLES],
  ])("in %s and the README", (_name, help, flags, variables) => {
    for (const flag of flags) {
      expect(help).toContain(`--${flag}`);
      expect(readme).toContain(`--${flag}`);
    }
    for (const variable of variables) {
      expect(help).toContain(variable);
      expect(readme).toContain(`\`${variable}\``);
    }
  });
});
