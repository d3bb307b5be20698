import type { FieldError } from "@movies/domain";
import type { APIGatewayProxyResult } from "aws-lambda";

/** An RFC 9457 problem details body. */
export interface Problem {
  readonly type: string;
  readonly title: string;
  readonly status: number;
  readonly detail: string;
  /** Present for validation problems: every failing field. */
  readonly errors?: readonly FieldError[];
  /** Present for server errors, so a caller can quote it when reporting. */
  readonly request_id?: string;
}

export const PROBLEM_CONTENT_TYPE = "application/problem+json";

/**
 * An HTTP error that carries its problem: the shape @middy/http-error-handler renders (status,
 * exposed message as the body, headers), so the functions have one renderer for every refusal.
 */
export class ProblemError extends Error {
  override readonly name = "ProblemError";
  readonly statusCode: number;
  readonly expose = true;
  readonly headers = { "Content-Type": PROBLEM_CONTENT_TYPE };
  readonly problem: Problem;

  constructor(problem: Problem, options?: ErrorOptions) {
    super(JSON.stringify(problem), options);
    this.problem = problem;
    this.statusCode = problem.status;
  }
}

/** A problem as a response outside middy: the local gateway's own answers, as API Gateway's. */
export function problemResponse(problem: Problem): APIGatewayProxyResult {
  return {
    statusCode: problem.status,
    headers: { "Content-Type": PROBLEM_CONTENT_TYPE },
    body: JSON.stringify(problem),
  };
}

export function jsonResponse(
  statusCode: number,
  body: unknown,
  headers: Readonly<Record<string, string>> = {},
): APIGatewayProxyResult {
  return {
    statusCode,
    headers: { "Content-Type": "application/json", ...headers },
    body: JSON.stringify(body),
  };
}

/** Every problem type of the API is a URN under this prefix. */
export const TYPE_PREFIX = "urn:movies:problem:";

export const problems = {
  invalidInput: (errors: readonly FieldError[]): Problem => ({
    type: `${TYPE_PREFIX}invalid-input`,
    title: "Invalid input",
    status: 400,
    detail: errors.length === 1 ? "1 field is invalid." : `${errors.length} fields are invalid.`,
    errors,
  }),
  malformedJson: (): Problem => ({
    type: `${TYPE_PREFIX}malformed-json`,
    title: "Malformed JSON",
    status: 400,
    detail: "The request body is not a valid JSON document.",
  }),
  nestedTooDeep: (maxDepth: number): Problem => ({
    type: `${TYPE_PREFIX}malformed-json`,
    title: "Malformed JSON",
    status: 400,
    detail: `The request body nests arrays or objects deeper than ${maxDepth} levels.`,
  }),
  duplicateKey: (key: string): Problem => ({
    type: `${TYPE_PREFIX}malformed-json`,
    title: "Malformed JSON",
    status: 400,
    detail: `The request body names the key ${JSON.stringify(key).slice(0, 80)} twice in one object.`,
  }),
  preconditionFailed: (movieId: string): Problem => ({
    type: `${TYPE_PREFIX}precondition-failed`,
    title: "Precondition failed",
    status: 412,
    detail: `Movie ${movieId} has changed since the ETag given in If-Match; nothing was changed.`,
  }),
  movieNotFound: (movieId: string): Problem => ({
    type: `${TYPE_PREFIX}movie-not-found`,
    title: "Movie not found",
    status: 404,
    detail: `There is no movie with id ${movieId}.`,
  }),
  bodyTooLarge: (limitBytes: number): Problem => ({
    type: `${TYPE_PREFIX}body-too-large`,
    title: "Request body too large",
    status: 413,
    detail: `The request body must be at most ${limitBytes} bytes.`,
  }),
  unsupportedMediaType: (): Problem => ({
    type: `${TYPE_PREFIX}unsupported-media-type`,
    title: "Unsupported media type",
    status: 415,
    detail:
      "The request body must be JSON in UTF-8, sent with Content-Type: application/json or application/merge-patch+json.",
  }),
  internal: (requestId: string): Problem => ({
    type: `${TYPE_PREFIX}internal-error`,
    title: "Internal error",
    status: 500,
    detail: `The request could not be completed. Quote request id ${requestId} when reporting it.`,
    request_id: requestId,
  }),
} as const;
