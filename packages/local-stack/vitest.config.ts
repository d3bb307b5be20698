import { localServicesProject } from "@movies/local-aws/vitest-project";

export default localServicesProject("local-stack", ["src/**/*.test.ts"]);
