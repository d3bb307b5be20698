// Test-only helpers; not part of the `./testing` export.
import { type FieldError, ValidationError } from "../errors.ts";

/** The field errors `run` throws; fails the test when it throws anything else or nothing. */
export function fieldErrorsOf(run: () => unknown): FieldError[] {
  try {
    run();
  } catch (error) {
    if (error instanceof ValidationError) return [...error.errors];
    throw error;
  }
  throw new Error("expected a ValidationError, but nothing was thrown");
}

/** The field errors `promise` rejects with; fails the test on any other outcome. */
export async function fieldErrorsOfAsync(promise: Promise<unknown>): Promise<FieldError[]> {
  const error = await promise.then(
    () => new Error("expected a ValidationError, but the promise resolved"),
    (e: unknown) => e,
  );
  if (error instanceof ValidationError) return [...error.errors];
  throw error;
}

export function fieldsOf(errors: readonly FieldError[]): string[] {
  return errors.map((e) => e.field);
}
