// @ts-check
/*
 * StrykerJS on the three targets of `pnpm mutation` (scripts/mutation.ts runs one Stryker per
 * target, naming it in MUTATION_TARGET). Each target lists the sources it mutates and the unit
 * tests that may kill them: no integration test (they need DynamoDB Local and S3), and no test
 * of another target, since Stryker runs every test on each "static" mutant (a mutant of a
 * module-level constant, such as the gateway responses' table).
 */

/** @type {Record<string, { mutate: string[], tests: { root: string, include: string[] } }>} */
export const MUTATION_TARGETS = {
  domain: {
    mutate: [
      "packages/domain/src/**/*.ts",
      "!packages/domain/src/**/*.test.ts",
      "!packages/domain/src/testing/**",
    ],
    tests: { root: "packages/domain", include: ["src/**/*.test.ts", "test/**/*.test.ts"] },
  },
  "csv-reader": {
    mutate: [
      "packages/adapters-lambda/src/ingest/csv-records.ts",
      "packages/adapters-lambda/src/ingest/catalogue-text.ts",
      "packages/adapters-lambda/src/ingest/csv-delimiter.ts",
    ],
    tests: {
      root: "packages/adapters-lambda",
      include: [
        "src/ingest/csv-records.test.ts",
        "src/ingest/catalogue-text.test.ts",
        "src/ingest/csv-delimiter.test.ts",
      ],
    },
  },
  "http-edge": {
    mutate: [
      "packages/adapters-lambda/src/http/*.ts",
      "!packages/adapters-lambda/src/http/*.test.ts",
    ],
    tests: {
      root: "packages/adapters-lambda",
      include: ["src/http/*.test.ts", "src/handlers/http-edge.test.ts"],
    },
  },
};

const name = process.env["MUTATION_TARGET"] ?? "";
const target = MUTATION_TARGETS[name];

/** @type {import("@stryker-mutator/api/core").PartialStrykerOptions} */
export default {
  packageManager: "pnpm",
  testRunner: "vitest",
  // pnpm does not hoist the runner where Stryker looks for plugins.
  plugins: ["./node_modules/@stryker-mutator/vitest-runner/dist/src/index.js"],
  vitest: { configFile: "vitest.mutation.config.ts", related: false },
  coverageAnalysis: "perTest",
  // TypeScript 7 breaks the tsconfig rewrite of Stryker's sandboxes; scripts/mutation.ts runs
  // Stryker on a temporary copy, so in place never touches the checkout.
  inPlace: true,
  concurrency: 2,
  mutate: target?.mutate ?? [],
  ignorePatterns: ["**/.terraform", "**/dist", "reports", ".local-stack"],
  reporters: ["clear-text", "progress-append-only", "html", "json"],
  htmlReporter: { fileName: `reports/mutation/${name}.html` },
  jsonReporter: { fileName: `reports/mutation/${name}.json` },
  thresholds: { high: 92, low: 90, break: null },
  timeoutMS: 10_000,
};
