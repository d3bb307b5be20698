import { fileURLToPath } from "node:url";
import { defineConfig } from "vitest/config";
import { MUTATION_TARGETS } from "./stryker.config.mjs";

/** The unit tests of the mutation target named in MUTATION_TARGET (see stryker.config.mjs). */
const target = MUTATION_TARGETS[process.env["MUTATION_TARGET"] ?? ""];
if (target === undefined) {
  throw new Error(`MUTATION_TARGET must be one of ${Object.keys(MUTATION_TARGETS).join(", ")}`);
}

export default defineConfig({
  test: {
    ...target.tests,
    exclude: ["**/*.int.test.ts", "**/node_modules/**"],
    // Instrumented code under a niced run is slower than the test line's: property tests need room.
    testTimeout: 60_000,
    setupFiles: [fileURLToPath(new URL("./scripts/mutation-fast-check-runs.ts", import.meta.url))],
    env: { POWERTOOLS_LOG_LEVEL: "SILENT", POWERTOOLS_METRICS_DISABLED: "true" },
  },
});
