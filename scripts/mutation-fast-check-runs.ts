/*
 * Setup file of the mutation run only (vitest.mutation.config.ts): each property test runs at
 * most MUTATION_PROPERTY_RUNS cases instead of its usual hundreds or thousands, since Stryker runs
 * the tests once per mutant. The fixed cases run as always; the test line keeps the full counts.
 */
import { vi } from "vitest";

const CAP = Number(process.env["MUTATION_PROPERTY_RUNS"] ?? 50);

vi.mock("fast-check", async (importOriginal) => {
  const fc = await importOriginal<typeof import("fast-check")>();
  const assert: typeof fc.assert = ((property: never, params?: { numRuns?: number }) =>
    fc.assert(property, { ...params, numRuns: Math.min(params?.numRuns ?? 100, CAP) })) as never;
  return { ...fc, assert, default: { ...fc, assert } };
});
