import type { IngestSummary } from "./ingest-summary.ts";
import { quote } from "./message-values.ts";

/** One failing field of an input, in words a caller can show to a person. */
export interface FieldError {
  readonly field: string;
  readonly message: string;
}

/** The family of errors the domain speaks; adapters map each kind to their own protocol. */
export abstract class MoviesError extends Error {
  abstract readonly kind:
    | "validation"
    | "not_found"
    | "precondition_failed"
    | "storage"
    | "ingest_incomplete"
    | "invalid_header";
}

/** Input broke one or more rules; every failing field is listed. */
export class ValidationError extends MoviesError {
  readonly kind = "validation";
  readonly errors: readonly FieldError[];

  constructor(errors: readonly FieldError[]) {
    super(errors.map((e) => `${e.field}: ${e.message}`).join("; "));
    this.name = "ValidationError";
    this.errors = errors;
  }
}

export class MovieNotFoundError extends MoviesError {
  readonly kind = "not_found";
  readonly movieId: string;

  constructor(movieId: string) {
    super(`movie ${movieId} does not exist`);
    this.name = "MovieNotFoundError";
    this.movieId = movieId;
  }
}

/** A conditional write found the movie in another state than the caller expected; nothing changed. */
export class PreconditionFailedError extends MoviesError {
  readonly kind = "precondition_failed";
  readonly movieId: string;

  constructor(movieId: string) {
    super(`movie ${movieId} is no longer in the state the request expected`);
    this.name = "PreconditionFailedError";
    this.movieId = movieId;
  }
}

/** The store failed or refused; the cause is kept for logs, never shown to callers. */
export class StorageError extends MoviesError {
  readonly kind = "storage";

  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = "StorageError";
  }
}

/** A batch write gave up with items still unwritten (after bounded retries). */
export class UnwrittenItemsError extends StorageError {
  readonly movieIds: readonly string[];

  constructor(movieIds: readonly string[], options?: { cause?: unknown }) {
    super(`${movieIds.length} movie infos left unwritten: ${movieIds.join(", ")}`, options);
    this.name = "UnwrittenItemsError";
    this.movieIds = movieIds;
  }
}

/**
 * An ingest stopped before the end of its input (a write gave up, the time budget ran out, the
 * source failed). Carries the counts reached so far; a retry is safe because writes are upserts.
 */
export class IngestIncompleteError extends MoviesError {
  readonly kind = "ingest_incomplete";
  readonly summary: IngestSummary;

  constructor(message: string, summary: IngestSummary, options?: { cause?: unknown }) {
    super(message, options);
    this.name = "IngestIncompleteError";
    this.summary = summary;
  }
}

/**
 * A catalogue's first row looks like a header but does not name the four columns once each, so
 * the columns of every row after it are unknown. The whole file is refused before anything is
 * written; a retry of the same file would fail the same way.
 */
export class InvalidHeaderError extends MoviesError {
  readonly kind = "invalid_header";
  /** The line of the header. */
  readonly line: number;
  /** Names that are no column, as written (trimmed). */
  readonly unknown: readonly string[];
  /** Columns the header does not name. */
  readonly missing: readonly string[];
  /** Columns the header names more than once. */
  readonly repeated: readonly string[];

  constructor(
    line: number,
    columns: readonly string[],
    problems: {
      readonly unknown: readonly string[];
      readonly missing: readonly string[];
      readonly repeated: readonly string[];
    },
  ) {
    const { unknown, missing, repeated } = problems;
    const parts: string[] = [];
    if (unknown.length > 0) parts.push(`unknown ${counted("column", unknown, quote)}`);
    if (missing.length > 0) parts.push(`missing ${counted("column", missing, String)}`);
    if (repeated.length > 0) {
      parts.push(`${counted("column", repeated, String)} named more than once`);
    }
    super(
      `the header on line ${line} does not name the columns ${columns.join(", ")} (in any ` +
        `order, once each): ${parts.join("; ")}`,
    );
    this.name = "InvalidHeaderError";
    this.line = line;
    this.unknown = problems.unknown;
    this.missing = problems.missing;
    this.repeated = problems.repeated;
  }
}

/** "column x" or "columns x, y". */
function counted(word: string, items: readonly string[], show: (item: string) => string): string {
  return `${items.length === 1 ? word : `${word}s`} ${items.map(show).join(", ")}`;
}
