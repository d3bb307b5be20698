import type { Precondition } from "./movie.ts";
import { parseMovieId } from "./movie-id.ts";
import type { MovieInfoRepo } from "./ports.ts";

export interface DeleteMovieDeps {
  readonly movieInfos: Pick<MovieInfoRepo, "remove">;
}

/**
 * Removes the movie `movieId` (its info and its ratings together). Rejects with a
 * `ValidationError` on `movie_id` for an invalid id, with `MovieNotFoundError` when there is no
 * such movie, and with `PreconditionFailedError` when `precondition` does not hold. A later
 * catalogue snapshot that holds the movie brings its info back (without the ratings).
 */
export async function deleteMovie(
  deps: DeleteMovieDeps,
  movieId: unknown,
  precondition?: Precondition,
): Promise<void> {
  await deps.movieInfos.remove(parseMovieId(movieId), precondition);
}
