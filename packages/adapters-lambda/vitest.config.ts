import { localServicesProject } from "@movies/local-aws/vitest-project";

export default localServicesProject("adapters-lambda", [
  "src/**/*.test.ts",
  "scripts/**/*.test.ts",
]);
