import { Logger } from "@aws-lambda-powertools/logger";

export type { Logger };

/**
 * Structured JSON logs, one line per event, with the request id once the Lambda context is
 * injected. Powertools' Logger adds about 24 KB to a bundle that the SDK makes 500 KB or more.
 */
export function createLogger(options: { readonly logLevel?: "INFO" } = {}): Logger {
  return new Logger({ serviceName: "movies", ...options });
}
