import { localServicesProject } from "./test-kit/vitest-project.ts";

export default localServicesProject("local-aws", ["src/**/*.test.ts"]);
