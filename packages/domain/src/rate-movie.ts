import { type FieldError, ValidationError } from "./errors.ts";
import { describeValue } from "./message-values.ts";
import type { Movie, Precondition } from "./movie.ts";
import { movieIdProblem } from "./movie-id.ts";
import type { RatingRepo } from "./ports.ts";
import { collectRatingChanges, type PatchFormat } from "./rating-changes.ts";
import { toMovie } from "./to-movie.ts";

export interface RateMovieDeps {
  readonly ratings: RatingRepo;
}

export interface RateMovieOptions {
  /** How the body is read (default `json`). */
  readonly format?: PatchFormat;
  /** Write only if it holds for the movie as stored (an `If-Match`). */
  readonly precondition?: Precondition | undefined;
}

/**
 * Applies a PATCH body to the movie `movieId` and returns the movie as this write left it.
 * Rejects with one `ValidationError` listing every failing field of the path and the body (nothing
 * is written), and with the repo's `MovieNotFoundError` when the movie has no info or its
 * `PreconditionFailedError` when the precondition does not hold.
 */
export async function rateMovie(
  deps: RateMovieDeps,
  movieId: unknown,
  body: unknown,
  options: RateMovieOptions = {},
): Promise<Movie> {
  const errors: FieldError[] = [];
  const idMessage =
    typeof movieId === "string"
      ? movieIdProblem(movieId)
      : `must be a string (found ${describeValue(movieId)})`;
  if (idMessage !== undefined) errors.push({ field: "movie_id", message: idMessage });
  // Only a string can be free of problems.
  const validId = idMessage === undefined ? (movieId as string) : undefined;
  const changes = collectRatingChanges(validId, body, errors, options.format);
  if (validId === undefined || changes === undefined) throw new ValidationError(errors);
  return toMovie(await deps.ratings.update(validId, changes, options.precondition));
}
