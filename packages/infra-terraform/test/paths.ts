import path from "node:path";
import { fileURLToPath } from "node:url";

/** packages/infra-terraform: the root module. */
export const MODULE_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
/** packages/adapters-lambda: wiring.ts's zip paths are relative to it. */
export const ADAPTERS_DIR = path.resolve(MODULE_DIR, "..", "adapters-lambda");
