import type { Precondition, RatingChanges, RatingRepo, StoredMovie } from "@movies/domain";
import { applyRatingChanges } from "@movies/domain";
import type { DynamoMovieInfoRepo } from "./movie-info-repo.ts";
import { infoIs, RATING_FIELDS, ratingsAre, writeAgainstState } from "./movie-transactions.ts";
import type { MoviesService } from "./movies-service.ts";
import { DEFAULT_RETRY_POLICY, type RetryPolicy } from "./retry-policy.ts";

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

  /**
   * Reads the movie, then writes the ratings in one transaction whose conditions say the movie is
   * still as read: the info unchanged, and (without a precondition) only the ratings this write
   * keeps rather than sets, so concurrent writers of the same ratings never conflict. The answer
   * is the read state with the changes applied: exactly what this write left.
   */
  update(
    movieId: string,
    changes: RatingChanges,
    precondition?: Precondition,
  ): Promise<StoredMovie> {
    const kept = RATING_FIELDS.filter((field) => changes[field] === undefined);
    return writeAgainstState(
      {
        service: this.#service,
        retry: this.#retry,
        movieId,
        action: "updating the rating",
        read: () => this.#movies.findMovie(movieId),
        precondition,
      },
      (before) => {
        const rating = applyRatingChanges(before.rating, changes);
        const cleared = RATING_FIELDS.filter((field) => changes[field] === null);
        const ratingCondition = ratingsAre(
          before.rating,
          precondition === undefined ? kept : RATING_FIELDS,
        );
        return {
          result: { info: before.info, rating },
          writes: ({ movieInfo, movieRating }) => {
            const set = movieRating.update({ movie_id: movieId }).set(rating).remove(cleared);
            return [
              movieInfo.check({ movie_id: movieId }).where(infoIs(before.info)).commit(),
              (ratingCondition === undefined ? set : set.where(ratingCondition)).commit(),
            ];
          },
        };
      },
    );
  }
}
