import type { Context } from "aws-lambda";

/**
 * Aborts early enough before the Lambda deadline to stop reading, let in-flight writes settle
 * and write a failed report, so a timeout is a loud failure that Lambda retries, never silence.
 */
export function deadlineSignal(context: Pick<Context, "getRemainingTimeInMillis">): AbortSignal {
  const remaining = context.getRemainingTimeInMillis();
  const margin = Math.min(30_000, Math.max(1_000, remaining * 0.1));
  return AbortSignal.timeout(Math.max(0, Math.floor(remaining - margin)));
}
