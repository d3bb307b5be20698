import { defineProject } from "vitest/config";

export default defineProject({
  test: {
    name: "infra-terraform",
    include: ["test/**/*.test.ts"],
    // Parsing HCL loads a WebAssembly module once per test file.
    testTimeout: 30_000,
  },
});
