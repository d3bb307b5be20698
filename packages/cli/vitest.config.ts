import { localServicesProject } from "@movies/local-aws/vitest-project";

export default localServicesProject("cli", ["src/**/*.test.ts"]);
