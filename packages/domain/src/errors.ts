import type { IngestSummary } from "./ingest-movie-infos.ts";

/** One failing field of an input, in words a caller can show to a person. */
export interface FieldError {
  readonly field: string;
  readonly message: string;
}

/** The family of errors the domain speaks; adapters map each kind to their own protocol. */
export abstract class MoviesError extends Error {
  abstract readonly kind: "validation" | "not_found" | "storage" | "ingest_incomplete";
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
