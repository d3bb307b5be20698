import { type FieldError, ValidationError } from "./errors.ts";
import { describeValue, isRecord, quote } from "./message-values.ts";
import type { RatingChanges, StoredMovie } from "./movie.ts";

/**
 * How a PATCH body is read: `json` sets the ratings it names; `merge-patch` (RFC 7396) also
 * clears a rating set to `null`.
 */
export type PatchFormat = "json" | "merge-patch";

export const RATING_MIN = 0;
export const RATING_MAX = 100;

/**
 * The smallest positive rating. A rating the domain accepts must be storable, and DynamoDB keeps
 * numbers of magnitude 1e-130 to below 1e126 with up to 38 significant digits: 0 to 100 bounds
 * the top, a double never needs more than 17 digits, and only a tiny positive number such as
 * 5e-324 (finite and in range) is left for this bound to refuse.
 */
export const RATING_SMALLEST_POSITIVE = 1e-130;

const RATING_FIELDS = ["rotten_tomatoes_rating", "imdb_rating"] as const;
const KNOWN_FIELDS = `movie_id, ${RATING_FIELDS.join(", ")}`;

/**
 * Why `value` is not a rating (a finite number from 0 to 100, and 0 or at least 1e-130), or
 * `undefined` when it is one.
 */
export function ratingProblem(value: unknown): string | undefined {
  // Numeric strings are refused rather than coerced: a client sending "98" has a bug worth seeing.
  if (typeof value !== "number") {
    return `must be a number from ${RATING_MIN} to ${RATING_MAX} (found ${describeValue(value)})`;
  }
  if (!Number.isFinite(value)) {
    return `must be a finite number from ${RATING_MIN} to ${RATING_MAX} (found ${value})`;
  }
  if (value < RATING_MIN || value > RATING_MAX) {
    return `must be from ${RATING_MIN} to ${RATING_MAX} (found ${value})`;
  }
  if (value !== 0 && value < RATING_SMALLEST_POSITIVE) {
    return `must be 0 or at least ${RATING_SMALLEST_POSITIVE} (found ${value})`;
  }
  return undefined;
}

/**
 * Adds to `errors` every way a PATCH body is wrong, and returns its changes when it is
 * right. `pathMovieId` is the id the body's optional `movie_id` must equal; `undefined` when the
 * path's id is itself invalid (the caller reports that), so that no mismatch is reported on top.
 * Without a `format` the body is read as `json`.
 */
export function collectRatingChanges(
  pathMovieId: string | undefined,
  body: unknown,
  errors: FieldError[],
  format?: PatchFormat,
): RatingChanges | undefined {
  if (!isRecord(body)) {
    errors.push({ field: "body", message: `must be a JSON object (found ${describeValue(body)})` });
    return undefined;
  }
  const before = errors.length;
  const changes: { rotten_tomatoes_rating?: number | null; imdb_rating?: number | null } = {};
  for (const field of Object.keys(body)) {
    const value = body[field];
    if (field === "movie_id") {
      const message = bodyMovieIdProblem(value, pathMovieId);
      if (message !== undefined) errors.push({ field, message });
    } else if (field === "rotten_tomatoes_rating" || field === "imdb_rating") {
      if (value === null && format === "merge-patch") {
        changes[field] = null;
        continue;
      }
      const message = ratingProblem(value);
      if (message !== undefined) errors.push({ field, message });
      // A value `ratingProblem` accepts is a number. `+ 0` turns -0 (which JSON can carry) into
      // the 0 a reader expects back.
      else changes[field] = (value as number) + 0;
    } else {
      errors.push({ field, message: `is not a known field (known fields: ${KNOWN_FIELDS})` });
    }
  }
  if (!Object.hasOwn(body, "rotten_tomatoes_rating") && !Object.hasOwn(body, "imdb_rating")) {
    errors.push({
      field: "body",
      message: `must set at least one of ${RATING_FIELDS.join(", ")}`,
    });
  }
  // Without an error the body set at least one rating, so `changes` has one.
  return errors.length > before ? undefined : (changes as RatingChanges);
}

function bodyMovieIdProblem(value: unknown, pathMovieId: string | undefined): string | undefined {
  if (typeof value !== "string") return `must be a string (found ${describeValue(value)})`;
  if (pathMovieId !== undefined && value !== pathMovieId) {
    return `${quote(value)} in the body does not match ${quote(pathMovieId)} in the path`;
  }
  return undefined;
}

/**
 * The rating changes of a PATCH body for the movie `pathMovieId` (read as `json` without a
 * `format`); a `ValidationError` naming every failing field otherwise.
 */
export function parseRatingChanges(
  pathMovieId: string,
  body: unknown,
  format?: PatchFormat,
): RatingChanges {
  const errors: FieldError[] = [];
  const changes = collectRatingChanges(pathMovieId, body, errors, format);
  if (changes === undefined) throw new ValidationError(errors);
  return changes;
}

/** The ratings as `changes` leave them: a rating left out kept, one set to `null` cleared. */
export function applyRatingChanges(
  rating: StoredMovie["rating"],
  changes: RatingChanges,
): NonNullable<StoredMovie["rating"]> {
  const merged: { rotten_tomatoes_rating?: number; imdb_rating?: number } = { ...rating };
  for (const field of RATING_FIELDS) {
    const value = changes[field];
    if (value === null) delete merged[field];
    else if (value !== undefined) merged[field] = value;
  }
  return merged;
}
