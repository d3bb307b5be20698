import type { RatingChanges, RatingRepo, StoredMovie } from "@movies/domain";
import { MovieNotFoundError, StorageError } from "@movies/domain";
import type { DynamoMovieInfoRepo } from "./movie-info-repo.ts";
import type { MoviesService } from "./movies-service.ts";
import { backoffDelay, DEFAULT_RETRY_POLICY, type RetryPolicy } from "./retry-policy.ts";
import { isRetryable, storageError } from "./store-errors.ts";

export class DynamoRatingRepo implements RatingRepo {
  readonly #service: MoviesService;
  readonly #movies: DynamoMovieInfoRepo;
  readonly #retry: RetryPolicy;

  constructor(
    service: MoviesService,
    movies: DynamoMovieInfoRepo,
    retry: RetryPolicy = DEFAULT_RETRY_POLICY,
  ) {
    this.#service = service;
    this.#movies = movies;
    this.#retry = retry;
  }

  async update(movieId: string, changes: RatingChanges): Promise<StoredMovie> {
    for (let attempt = 1; ; attempt++) {
      const outcome = await this.#transact(movieId, changes);
      if (outcome === "written") break;
      if (outcome === "no_movie") throw new MovieNotFoundError(movieId);
      if (attempt >= this.#retry.maxAttempts) {
        throw new StorageError(`updating the rating of ${movieId} kept conflicting`);
      }
      await this.#retry.sleep(backoffDelay(this.#retry, attempt));
    }
    const movie = await this.#movies.findMovie(movieId);
    if (!movie) throw new MovieNotFoundError(movieId);
    return movie;
  }

  /** One transaction: the info must exist, and the given ratings are set beside it. */
  async #transact(
    movieId: string,
    changes: RatingChanges,
  ): Promise<"written" | "no_movie" | "retry"> {
    const result = await this.#service.transaction
      .write(({ movieInfo, movieRating }) => [
        movieInfo
          .check({ movie_id: movieId })
          .where((attr, op) => op.exists(attr.movie_id))
          .commit(),
        movieRating.upsert({ movie_id: movieId, ...changes }).commit(),
      ])
      .go()
      .catch((error: unknown) => {
        if (isRetryable(error)) return undefined;
        throw storageError("updating a rating", error);
      });
    if (!result) return "retry";
    if (!result.canceled) return "written";
    const codes = result.data.map((item) => item.code);
    if (codes[0] === "ConditionalCheckFailed") return "no_movie";
    // Another transaction held one of the items; the SDK does not retry a cancelled transaction.
    if (codes.includes("TransactionConflict")) return "retry";
    throw new StorageError(`updating the rating of ${movieId} was cancelled: ${codes.join(", ")}`);
  }
}
