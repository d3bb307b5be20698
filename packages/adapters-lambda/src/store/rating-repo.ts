import type { RatingChanges, RatingRepo, StoredMovie } from "@movies/domain";
import { MovieNotFoundError, StorageError, ValidationError } from "@movies/domain";
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
    refuseUnstorable(changes);
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

/** DynamoDB numbers are 0 or of magnitude 1e-130 to 1e126; anything smaller is refused by it. */
const SMALLEST_STORABLE = 1e-130;

/**
 * A rating the spec allows (finite, 0 to 100) but DynamoDB cannot store, such as 5e-324, is the
 * caller's to fix: a validation error naming the field, not the 500 that DynamoDB's
 * ValidationException would otherwise become. Found by the HTTP fuzz tests.
 */
function refuseUnstorable(changes: RatingChanges): void {
  const errors = Object.entries(changes)
    .filter(
      ([, value]) =>
        typeof value === "number" && value !== 0 && Math.abs(value) < SMALLEST_STORABLE,
    )
    .map(([field, value]) => ({
      field,
      message: `must be 0 or at least ${SMALLEST_STORABLE}, the smallest number the store keeps (found ${value})`,
    }));
  if (errors.length > 0) throw new ValidationError(errors);
}
