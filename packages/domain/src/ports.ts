import type { MovieInfo, RatingChanges, StoredMovie } from "./movie.ts";

/** Where movie infos live. Implemented by the adapters (ElectroDB on DynamoDB). */
export interface MovieInfoRepo {
  /**
   * Upserts every info of the batch: at most 25, with distinct movie ids. Resolves only when
   * all of them are stored; otherwise rejects (an `UnwrittenItemsError` names the ids left).
   * Never touches ratings. Once `signal` is aborted it retries no more and rejects with what is
   * left, so a deadline is not spent in back-off.
   */
  putBatch(
    infos: readonly MovieInfo[],
    options?: { readonly signal?: { readonly aborted: boolean } },
  ): Promise<void>;

  /** The movie's info and ratings in one strongly consistent read; `undefined` without info. */
  findMovie(movieId: string): Promise<StoredMovie | undefined>;
}

/** Where ratings live. */
export interface RatingRepo {
  /**
   * Applies the changes in one atomic step that also checks the movie's info exists, and
   * returns the movie as stored afterwards. Rejects with `MovieNotFoundError`, writing nothing,
   * when there is no info.
   */
  update(movieId: string, changes: RatingChanges): Promise<StoredMovie>;
}
