import { StorageError } from "@movies/domain";

const RETRYABLE_NAMES = new Set([
  "ProvisionedThroughputExceededException",
  "ThrottlingException",
  "RequestLimitExceeded",
  "InternalServerError",
  "ServiceUnavailable",
  "TimeoutError",
]);

const RETRYABLE_CODES = new Set(["ECONNRESET", "ECONNREFUSED", "EPIPE", "ETIMEDOUT"]);

/** The AWS SDK error under ElectroDB's wrapper, if there is one. */
function rootCause(error: unknown): unknown {
  let current = error;
  while (
    current instanceof Error &&
    (current as { isElectroError?: boolean }).isElectroError &&
    current.cause
  ) {
    current = current.cause;
  }
  return current;
}

/** Throttling, a transient server fault or a dropped connection: worth another try. */
export function isRetryable(error: unknown): boolean {
  const cause = rootCause(error);
  if (!(cause instanceof Error)) return false;
  const { $retryable, code } = cause as { $retryable?: unknown; code?: unknown };
  return (
    RETRYABLE_NAMES.has(cause.name) ||
    $retryable !== undefined ||
    (typeof code === "string" && RETRYABLE_CODES.has(code))
  );
}

/** Wraps whatever the SDK or ElectroDB threw so nothing AWS-shaped leaves the repository. */
export function storageError(action: string, error: unknown): StorageError {
  const cause = rootCause(error);
  const name = cause instanceof Error ? cause.name : "unknown error";
  return new StorageError(`${action} failed: ${name}`, { cause: error });
}
