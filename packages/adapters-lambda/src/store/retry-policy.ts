/** How a repository retries what DynamoDB throttles or leaves unprocessed. */
export interface RetryPolicy {
  /** Attempts in all, the first included. */
  readonly maxAttempts: number;
  readonly baseDelayMs: number;
  readonly maxDelayMs: number;
  /** Replaceable so tests can see the delays without waiting for them. */
  readonly sleep: (ms: number) => Promise<void>;
  readonly random: () => number;
}

export const DEFAULT_RETRY_POLICY: RetryPolicy = {
  maxAttempts: 10,
  baseDelayMs: 25,
  maxDelayMs: 3_000,
  sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
  random: Math.random,
};

/**
 * Exponential backoff with full jitter: a uniform delay up to the exponential bound spreads
 * competing writers apart instead of letting them retry in step.
 */
export function backoffDelay(policy: RetryPolicy, attempt: number): number {
  const bound = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** (attempt - 1));
  return Math.floor(policy.random() * bound);
}
