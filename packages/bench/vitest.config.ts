import { localServicesProject } from "@movies/local-aws/vitest-project";

export default localServicesProject("bench", ["*.test.ts"]);
