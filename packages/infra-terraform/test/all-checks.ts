import {
  type Check,
  checkAlarms,
  checkApi,
  checkCors,
  checkEveryRole,
  checkFirstApply,
  checkFunctions,
  checkFunctionsJson,
  checkGatewayResponses,
  checkIamPolicies,
  checkInvokePermissions,
  checkNotification,
  checkNoWildcards,
  checkResourcePolicies,
  checkResourceTypes,
  checkSecurityDefaults,
  checkStateMachine,
} from "./checks.ts";
import {
  checkProviderConstraint,
  checkProviderSchema,
  loadProviderSchema,
} from "./provider-schema.ts";

const schema = loadProviderSchema();

/** The module against the trimmed hashicorp/aws schema, and its version constraint. */
export const checkProvider: Check = (mod) => [
  ...checkProviderSchema(mod, schema).violations,
  ...checkProviderConstraint(mod, schema),
];

/** Every check of the module: the module as it is passes them all. */
export const ALL_CHECKS: Readonly<Record<string, Check>> = {
  checkResourceTypes,
  checkFunctionsJson,
  checkFunctions,
  checkIamPolicies,
  checkNoWildcards,
  checkApi,
  checkCors,
  checkNotification,
  checkSecurityDefaults,
  checkEveryRole,
  checkResourcePolicies,
  checkInvokePermissions,
  checkFirstApply,
  checkGatewayResponses,
  checkAlarms,
  checkStateMachine,
  checkProvider,
};
