/**
 * The contract checks of the Terraform module, one file per concern under checks/. Each check
 * returns the list of its violations (empty = passes), so that the tests can run the same checks
 * on a deliberately broken copy of the module and expect the specific violation.
 */
export * from "./checks/api.ts";
export * from "./checks/cors.ts";
export * from "./checks/functions.ts";
export * from "./checks/iam.ts";
export * from "./checks/module.ts";
export * from "./checks/operations.ts";
export * from "./checks/policies.ts";
export * from "./checks/state-machine.ts";
export * from "./checks/storage.ts";
