import type { MovieInfo, MovieInfoRepo, StoredMovie } from "@movies/domain";
import { UnwrittenItemsError } from "@movies/domain";
import type { MoviesService } from "./movies-service.ts";
import { backoffDelay, DEFAULT_RETRY_POLICY, type RetryPolicy } from "./retry-policy.ts";
import { isRetryable, storageError } from "./store-errors.ts";

export class DynamoMovieInfoRepo implements MovieInfoRepo {
  readonly #service: MoviesService;
  readonly #retry: RetryPolicy;

  constructor(service: MoviesService, retry: RetryPolicy = DEFAULT_RETRY_POLICY) {
    this.#service = service;
    this.#retry = retry;
  }

  async putBatch(infos: readonly MovieInfo[]): Promise<void> {
    // DynamoDB rejects a whole BatchWriteItem that names one key twice: keep the last.
    let pending = [...new Map(infos.map((info) => [info.movie_id, info])).values()];
    let lastError: unknown;
    for (let attempt = 1; pending.length > 0; attempt++) {
      let left: Set<string>;
      try {
        const { unprocessed } = await this.#service.entities.movieInfo.put(pending).go();
        left = new Set(unprocessed.map((key) => key.movie_id));
      } catch (error) {
        if (!isRetryable(error)) throw storageError("writing movie infos", error);
        lastError = error;
        left = new Set(pending.map((info) => info.movie_id));
      }
      pending = pending.filter((info) => left.has(info.movie_id));
      if (pending.length === 0) return;
      if (attempt >= this.#retry.maxAttempts) {
        throw new UnwrittenItemsError(
          pending.map((info) => info.movie_id),
          { cause: lastError },
        );
      }
      await this.#retry.sleep(backoffDelay(this.#retry, attempt));
    }
  }

  async findMovie(movieId: string): Promise<StoredMovie | undefined> {
    try {
      const { data } = await this.#service.collections
        .movie({ movie_id: movieId })
        .go({ consistent: true });
      const info = data.movieInfo[0];
      if (!info) return undefined;
      const rating = data.movieRating[0];
      return {
        info: {
          movie_id: info.movie_id,
          name: info.name,
          country_of_origin: info.country_of_origin,
          release_date: info.release_date,
        },
        rating: rating && {
          ...(rating.rotten_tomatoes_rating !== undefined && {
            rotten_tomatoes_rating: rating.rotten_tomatoes_rating,
          }),
          ...(rating.imdb_rating !== undefined && { imdb_rating: rating.imdb_rating }),
        },
      };
    } catch (error) {
      throw storageError("reading a movie", error);
    }
  }
}
