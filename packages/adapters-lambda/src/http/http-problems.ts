import type middy from "@middy/core";
import { MovieNotFoundError, PreconditionFailedError, ValidationError } from "@movies/domain";
import type { APIGatewayProxyEvent, APIGatewayProxyResult, Context } from "aws-lambda";
import type { Logger } from "../observability/logger.ts";
import { type Problem, ProblemError, problems } from "./problem.ts";

const JSON_PARSER = "@middy/http-json-body-parser";

/** The problem a failure shows the caller; everything unexpected is a generic 500. */
export function problemFor(error: unknown, requestId: string): Problem {
  if (error instanceof ProblemError) return error.problem;
  if (error instanceof ValidationError) return problems.invalidInput(error.errors);
  if (error instanceof MovieNotFoundError) return problems.movieNotFound(error.movieId);
  if (error instanceof PreconditionFailedError) return problems.preconditionFailed(error.movieId);
  const { statusCode, message, cause } = (error ?? {}) as {
    statusCode?: unknown;
    message?: unknown;
    cause?: { package?: unknown; data?: unknown };
  };
  if (cause?.package === JSON_PARSER && statusCode === 422) {
    // The parser refuses a `__proto__` (or prototype-carrying `constructor`) key outright: to the
    // caller that is one more field a rating update does not have, not a broken document.
    if (message === "Forbidden key in JSON body") {
      return problems.invalidInput([
        { field: String(cause.data), message: "is not a known field" },
      ]);
    }
    return problems.malformedJson();
  }
  if (statusCode === 415) return problems.unsupportedMediaType();
  return problems.internal(requestId);
}

/**
 * The catalogue at the edge of every HTTP function: a domain or middy error becomes the HTTP
 * error of its RFC 9457 problem, which @middy/http-error-handler (registered before this, so it
 * runs after) renders. A 5xx carries only the request id; its cause goes to the log alone.
 */
export function httpProblems(
  logger: Logger,
): middy.MiddlewareObj<APIGatewayProxyEvent, APIGatewayProxyResult, Error, Context> {
  return {
    onError: (request) => {
      if (request.response !== undefined) return;
      const problem = problemFor(request.error, request.context.awsRequestId);
      if (problem.status >= 500) {
        logger.error("request failed", request.error ?? "unknown error");
      } else {
        logger.info("request rejected", { status: problem.status, problem: problem.title });
      }
      request.error = new ProblemError(problem, { cause: request.error });
    },
  };
}
