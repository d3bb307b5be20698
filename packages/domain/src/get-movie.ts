import { MovieNotFoundError } from "./errors.ts";
import type { Movie } from "./movie.ts";
import { parseMovieId } from "./movie-id.ts";
import type { MovieInfoRepo } from "./ports.ts";
import { toMovie } from "./to-movie.ts";

export interface GetMovieDeps {
  readonly movieInfos: Pick<MovieInfoRepo, "findMovie">;
}

/**
 * The movie `movieId` names. Rejects with a `ValidationError` on field `movie_id` for
 * an invalid id (the store is not asked), and with `MovieNotFoundError` when the movie has no info.
 */
export async function getMovie(deps: GetMovieDeps, movieId: unknown): Promise<Movie> {
  const id = parseMovieId(movieId);
  const stored = await deps.movieInfos.findMovie(id);
  if (stored === undefined) throw new MovieNotFoundError(id);
  return toMovie(stored);
}
